// Step logs outlive their workspace (REFERENCE.md §2): before a root run's workspace is removed
// (a successful run without --preserve-tmp, `tako workspace clean`), its `logs/` trees move to
// `<home>/logs/<root-run-id>/` with the same relative layout:
//   <workspace>/logs/<step>.log                      -> <home>/logs/<root>/logs/<step>.log
//   <workspace>/children/<id>/logs/<step>.log        -> <home>/logs/<root>/children/<id>/logs/<step>.log
// so a step's log is found by the path relative to the root workspace in either place.
#pragma once

#include <cstdint>
#include <string>

#include "tako/util/result.h"

namespace tako::engine {

// <home>/logs/<root-run-id>
std::string log_archive_dir(const std::string& home, const std::string& root_run_id);

// Moves the `logs/` directory of `workspace` and of every `children/<id>/` below it (at any
// depth) into `dest`, keeping the relative paths. A directory not yet in `dest` moves with one
// rename(2); otherwise the files merge into it, a file of the same name replaced by the newer
// one (a tree resumed after its workspace was cleaned). Another file system: copy, then unlink.
// Error "move <from> to <to>: <reason>": what moved before stays in `dest`, nothing is deleted.
Status archive_logs(const std::string& workspace, const std::string& dest);

// archive_logs(workspace, archive_dir), then removes `workspace`. When the logs cannot be moved
// the workspace is kept whole and the error returned: a log is never lost.
Status remove_workspace(const std::string& workspace, const std::string& archive_dir);

// Bytes of the regular files under `path` (0 when it does not exist); symlinks are not followed.
uint64_t tree_bytes(const std::string& path);

}  // namespace tako::engine
