// event_cache.hpp: the UI thread's copy of the run's events (transitions and applied changes).
//
// The recorder keeps every event; the UI copies only the new ones each frame (the copy is the
// only time it holds the recorder's lock), and starts over when the run is replaced.
#pragma once

#include <cstdint>
#include <vector>

#include <cbsim/recorder.hpp>

#include "commands.hpp"

namespace cbsim::gui {

class EventCache {
  public:
    /// Copies the events recorded since the last call; clears on a new run generation.
    void update(const Snapshot& snapshot);
    const std::vector<EventRecord>& events() const { return events_; }

  private:
    std::uint64_t generation_ = 0;
    std::uint64_t version_ = 0;
    std::vector<EventRecord> events_;
};

}  // namespace cbsim::gui
