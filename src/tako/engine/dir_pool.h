// Per-step scratch directories (`<workspace>/tmp/<step-id>/` holding the `$TAKO_OUTPUT` file
// `output`, REFERENCE.md §2) without allocating new inodes for every step.
//
// Creating a directory and a file is the dearest thing a short step does: on ext4 without a
// journal (the machines tako is benchmarked on) inode allocation skips recently deleted inodes
// and a mkdir plus a create cost more than spawning `sh -c true`. A finished step's scratch dir
// that holds nothing but an empty `output` carries no information, so it is kept as a spare and
// renamed into place for the next step, `output` included (a rename allocates nothing). The
// observable difference: such an empty scratch dir of a finished step may be gone from a kept
// workspace (docs/ENGINE.md). Thread-safe; shared by every run of a tree.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "tako/util/result.h"

namespace tako::engine {

class DirPool {
 public:
  // Makes `path` a directory with `mode` (missing parents: 0700) that contains an `output` file,
  // from a spare when one exists. An existing directory (a step re-run on resume) keeps its other
  // files, but its `output` is emptied as a fresh step's is.
  Status make_scratch(const std::string& path, unsigned mode);

  // Offers `path` as a spare if it holds nothing but an empty `output`; else leaves it alone.
  void retire(const std::string& path);

  // The same for a whole run workspace `<ws>/` (a completed fan-out child's): a spare when it
  // holds nothing but `tmp/` with pristine scratch dirs, which travel with it. The next
  // make_scratch() of a workspace that does not exist yet renames it into place (and a scratch
  // dir inside to the step's id): a fan-out over hundreds of children then allocates no inode
  // per child, and the tree's cleanup removes a few spares instead of every child's dirs.
  void retire_workspace(const std::string& ws);

 private:
  struct SpareWorkspace {
    std::string path;
    std::vector<std::string> scratch;  // names of the pristine dirs in its tmp/
  };
  // Moves a spare workspace to `ws` and makes `<ws>/tmp/<step>` from one of its scratch dirs;
  // false when there is none or it cannot be moved (then nothing changed at `ws`).
  bool adopt_workspace(const std::string& ws, const std::string& step, unsigned mode);

  static constexpr size_t kMaxSpares = 64;
  std::mutex mu_;
  std::vector<std::string> spares_;
  std::vector<SpareWorkspace> spare_workspaces_;
};

}  // namespace tako::engine
