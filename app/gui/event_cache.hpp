// event_cache.hpp: the UI thread's copy of the run's events (transitions and applied changes).
//
// The recorder keeps every event; the UI copies only the new ones each frame (the copy is the
// only time it holds the recorder's lock), and starts over when the run is replaced. The copy is
// in the order the UI shows (shown_at): a slider drag's change, recorded at the mouse-up, goes
// to its mouse-down, before the transitions it caused, so nothing reads effect before cause.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <cbsim/recorder.hpp>

#include "commands.hpp"

namespace cbsim::gui {

/// Where the UI shows `e` on the time axis: a gesture's change at its start (EventRecord::began),
/// every other event at `at`.
inline SimTime shown_at(const EventRecord& e) {
    return e.began >= 0 ? e.began : e.at;
}

/// A change as the Events panel and the plot markers show it: "0 -> 0.879", and for a drag its
/// duration, "0 -> 0.879 (drag, 0.9s)".
std::string change_text(const EventRecord& e);

class EventCache {
  public:
    /// Copies the events recorded since the last call; clears on a new run generation.
    void update(const Snapshot& snapshot);
    /// Every event, sorted by shown_at (stable: recorder order within an instant, a gesture's
    /// change first among the events of its start instant).
    const std::vector<EventRecord>& events() const { return events_; }
    /// Changes whenever an event went anywhere but the end (the indices of later ones moved).
    std::uint64_t reorders() const { return reorders_; }

  private:
    std::uint64_t reorders_ = 0;
    std::uint64_t generation_ = 0;
    std::uint64_t version_ = 0;
    std::vector<EventRecord> events_;
};

}  // namespace cbsim::gui
