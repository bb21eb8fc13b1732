#include "event_cache.hpp"

namespace cbsim::gui {

void EventCache::update(const Snapshot& snapshot) {
    if (snapshot.generation != generation_) {
        generation_ = snapshot.generation;
        version_ = 0;
        events_.clear();
    }
    if (!snapshot.recorder) return;
    const std::uint64_t version = snapshot.recorder->version();
    if (version == version_) return;
    version_ = version;
    if (snapshot.recorder->event_count() <= events_.size()) return;
    auto fresh = snapshot.recorder->events(events_.size());
    events_.insert(events_.end(), std::make_move_iterator(fresh.begin()),
                   std::make_move_iterator(fresh.end()));
}

}  // namespace cbsim::gui
