// Discovery (REFERENCE.md §10.4) and matching (§10.5) of subscriptions against an event.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tako/cel/cel.h"
#include "tako/config/config.h"
#include "tako/repo/universe.h"
#include "tako/state/document.h"
#include "tako/util/result.h"

namespace tako::fanout {

struct Candidate {
  int member = -1;                      // index into the universe's members
  std::vector<size_t> subscriptions;    // indexes into config->subscriptions, config order
};

// Candidates: subscriptions whose repository part is the event source
// (case-insensitive), whose artifact is the event artifact or `*` (or the
// event artifact is `default`), listing the event type. Members in universe order.
std::vector<Candidate> discover(const repo::Universe& universe, const state::EventRecord& event);
bool is_candidate(const config::Subscription& sub, const state::EventRecord& event);

struct Evaluation {
  bool matched = false;
  std::string range_note;            // for --debug: "range ^1.0.0 satisfied by 1.4.0"
  std::vector<std::string> filter_notes;
  std::optional<std::string> error;  // "filter <k> evaluation failed: CEL evaluation error: ..."
};

// The variables of subscription filters (§9.4), bound once per event.
cel::Activation filter_activation(const state::EventRecord& event);

// The schema range (the event entry's, else the subscription's) and every
// filter (`filter` first, then `filters`); compiled programs are cached.
Evaluation evaluate(const config::Subscription& sub, const state::EventRecord& event,
                    const cel::Activation& activation);

// The first-match rule (§10.3 step 3) over one repository's candidate
// subscriptions, given in config order. Positions refer to `subs`.
struct Selection {
  std::optional<size_t> selected;                         // the first that matched
  std::vector<size_t> skipped;                            // later ones that also matched
  std::vector<std::pair<size_t, std::string>> errors;     // evaluation errors (do not match)
  std::vector<Evaluation> evaluations;                    // one per subscription (for --debug)
};
Selection select_subscription(const std::vector<const config::Subscription*>& subs,
                              const state::EventRecord& event, const cel::Activation& activation);

}  // namespace tako::fanout
