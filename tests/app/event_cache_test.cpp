// EventCache: the UI's copy of the run's events, in the order the UI shows them.
#include "event_cache.hpp"

#include <gtest/gtest.h>

#include <memory>

#include <cbsim/run.hpp>

namespace cbsim::gui {
namespace {

TEST(EventCache, ADragShowsAtItsMouseDownBeforeTheTransitionsItCaused) {
    // B fails more and more during a 1 s drag from 5 s: A->B's breaker opens during the drag,
    // before the mouse-up records the drag's one change.
    auto run = std::make_shared<cbsim::Run>(default_scenario());
    run->advance_to(5 * kSecond);
    for (int step = 1; step <= 10; ++step) {
        ASSERT_EQ(run->apply_step("B.failure_rate", step * 9 / 100.0), "");
        run->advance_to(5 * kSecond + step * kSecond / 10);
    }
    run->advance_to(6 * kSecond);
    run->end_gesture();
    run->advance_to(6 * kSecond + kSecond / 2);

    Snapshot snap;
    snap.generation = 1;
    snap.recorder = std::shared_ptr<const Recorder>(run, &run->recorder());
    EventCache cache;
    cache.update(snap);
    const std::vector<EventRecord>& ev = cache.events();

    std::size_t drag = ev.size(), first_open = ev.size();
    for (std::size_t i = 0; i < ev.size(); ++i) {
        if (ev[i].kind == EventRecord::Kind::change && ev[i].edge == "B.failure_rate") drag = i;
        if (ev[i].kind == EventRecord::Kind::transition && ev[i].to == "open" &&
            first_open == ev.size())
            first_open = i;
    }
    ASSERT_LT(drag, ev.size()) << "the drag's change is missing";
    ASSERT_LT(first_open, ev.size()) << "the breaker never opened";
    EXPECT_LT(ev[first_open].at, 6 * kSecond) << "the scenario must trip during the drag";
    // The record keeps the mouse-up (events.csv, replay); the UI shows the mouse-down.
    EXPECT_EQ(ev[drag].at, 6 * kSecond);
    EXPECT_EQ(shown_at(ev[drag]), 5 * kSecond);
    EXPECT_LT(drag, first_open) << "Events reads effect before cause";
    for (std::size_t i = 1; i < ev.size(); ++i)
        EXPECT_LE(shown_at(ev[i - 1]), shown_at(ev[i])) << "not in shown order at " << i;
    EXPECT_GT(cache.reorders(), 0u);
    EXPECT_EQ(change_text(ev[drag]), "0 -> 0.9 (drag, 1.0s)");
    // Plain changes and transitions read as before.
    EXPECT_EQ(change_text(ev[first_open]), ev[first_open].from + " -> open");
}

}  // namespace
}  // namespace cbsim::gui
