#include "event_cache.hpp"

#include <algorithm>

#include "widgets/plot_math.hpp"

namespace cbsim::gui {

std::string change_text(const EventRecord& e) {
    std::string text = e.from + " -> " + e.to;
    if (e.began >= 0) text += " (drag, " + plot::format_time(to_s(e.at - e.began), 0.1) + ")";
    return text;
}

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
    for (EventRecord& e : fresh) {
        const SimTime t = shown_at(e);
        if (events_.empty() || shown_at(events_.back()) < t ||
            (shown_at(events_.back()) == t && e.began < 0)) {
            events_.push_back(std::move(e));
            continue;
        }
        // A gesture's change goes before every event of its start instant and after.
        const auto at =
            std::lower_bound(events_.begin(), events_.end(), t,
                             [](const EventRecord& x, SimTime v) { return shown_at(x) < v; });
        events_.insert(at, std::move(e));
        ++reorders_;
    }
}

}  // namespace cbsim::gui
