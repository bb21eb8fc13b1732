// UnsavedGuard: a load that would lose unsaved edits waits for the user's answer.
#include "unsaved_guard.hpp"

#include <gtest/gtest.h>

#include "imgui_harness.hpp"

namespace cbsim::gui {
namespace {

using testing::ImGuiHarness;

struct GuardFixture {
    ImGuiHarness ui;
    CommandLog log;
    WidgetRects rects{true, {}};
    UnsavedGuard guard{log, &rects};
    int save_as = 0;         ///< times draw() asked for the save dialog
    bool open = false;       ///< the question was up in the last frame
    bool quit_open = false;  ///< ... and it was the quit question
    std::function<void()> draw = [this] {
        save_as += guard.draw() ? 1 : 0;
        quit_open = ImGui::IsPopupOpen(UnsavedGuard::kQuitTitle);
        open = ImGui::IsPopupOpen(UnsavedGuard::kTitle) || quit_open;
    };

    void load() { guard.send(LoadScenario{new_scenario(), "", {}, false}); }
    int loads() const {
        int n = 0;
        for (const Command& c : log.commands)
            n += std::holds_alternative<LoadScenario>(c) ? 1 : 0;
        return n;
    }
    bool asking() {
        ui.frame(draw);
        ui.frame(draw);
        return open;
    }
    void press(int glfw_key) {
        ui.key(glfw_key, true);
        ui.frame(draw);
        ui.key(glfw_key, false);
        ui.frame(draw);
    }
};

TEST(UnsavedGuard, NothingToLoseLoadsAtOnceWithoutAQuestion) {
    GuardFixture fx;
    fx.guard.set_unsaved(0);
    fx.load();
    EXPECT_EQ(fx.loads(), 1);
    EXPECT_FALSE(fx.asking());
    // Other commands always pass, unsaved edits or not.
    fx.guard.set_unsaved(3);
    fx.guard.send(Reset{});
    EXPECT_EQ(fx.log.commands.size(), 2u);
}

TEST(UnsavedGuard, DiscardLoadsCancelChangesNothing) {
    GuardFixture fx;
    fx.guard.set_unsaved(33);
    fx.load();
    EXPECT_EQ(fx.loads(), 0) << "unsaved edits were replaced without a question";
    ASSERT_TRUE(fx.asking());
    ASSERT_TRUE(fx.rects.rects.count("unsaved.cancel"));
    fx.ui.click(fx.rects.rects.at("unsaved.cancel"), fx.draw);
    EXPECT_FALSE(fx.asking());
    EXPECT_EQ(fx.loads(), 0);
    EXPECT_FALSE(fx.guard.holding());

    fx.load();
    ASSERT_TRUE(fx.asking());
    fx.ui.click(fx.rects.rects.at("unsaved.discard"), fx.draw);
    EXPECT_FALSE(fx.asking());
    ASSERT_EQ(fx.loads(), 1);
    EXPECT_EQ(std::get<LoadScenario>(fx.log.commands[0]).playing, false) << "the load as sent";
    EXPECT_EQ(fx.save_as, 0);
}

TEST(UnsavedGuard, EscapeCancelsEnterSavesFirstThenLoads) {
    GuardFixture fx;
    fx.guard.set_unsaved(2);
    fx.load();
    ASSERT_TRUE(fx.asking());
    fx.press(256);  // Escape
    EXPECT_FALSE(fx.asking());
    EXPECT_EQ(fx.loads(), 0);
    EXPECT_FALSE(fx.guard.holding());

    fx.load();
    ASSERT_TRUE(fx.asking());
    fx.press(257);  // Enter: Save as...
    EXPECT_FALSE(fx.asking());
    EXPECT_EQ(fx.save_as, 1) << "Enter must ask for the save dialog";
    EXPECT_EQ(fx.loads(), 0) << "nothing is replaced before the save";
    EXPECT_TRUE(fx.guard.awaiting_save());
    fx.guard.saved();
    EXPECT_EQ(fx.loads(), 1);
    EXPECT_FALSE(fx.guard.holding());
}

TEST(UnsavedGuard, AnAbandonedSaveReplacesNothing) {
    GuardFixture fx;
    fx.guard.set_unsaved(1);
    fx.load();
    ASSERT_TRUE(fx.asking());
    fx.ui.click(fx.rects.rects.at("unsaved.save_as"), fx.draw);
    EXPECT_EQ(fx.save_as, 1);
    fx.guard.save_abandoned();
    fx.guard.saved();  // a later save of something else does not load it
    EXPECT_EQ(fx.loads(), 0);
    EXPECT_FALSE(fx.guard.holding());
}

TEST(UnsavedGuard, QuittingWithNothingToLoseAsksNothing) {
    GuardFixture fx;
    fx.guard.set_unsaved(0);
    EXPECT_TRUE(fx.guard.request_quit());
    EXPECT_FALSE(fx.asking());
    EXPECT_FALSE(fx.guard.take_quit()) << "the caller quits at once; nothing is held";
}

TEST(UnsavedGuard, QuittingWithUnsavedChangesAsksCancelKeepsDiscardQuits) {
    GuardFixture fx;
    fx.guard.set_unsaved(4);
    EXPECT_FALSE(fx.guard.request_quit()) << "unsaved edits were lost on quit without a question";
    ASSERT_TRUE(fx.asking());
    EXPECT_TRUE(fx.quit_open);
    fx.ui.click(fx.rects.rects.at("unsaved.cancel"), fx.draw);
    EXPECT_FALSE(fx.asking());
    EXPECT_FALSE(fx.guard.take_quit());
    EXPECT_FALSE(fx.guard.holding());

    EXPECT_FALSE(fx.guard.request_quit());
    ASSERT_TRUE(fx.asking());
    fx.ui.click(fx.rects.rects.at("unsaved.discard"), fx.draw);
    EXPECT_FALSE(fx.asking());
    EXPECT_TRUE(fx.guard.take_quit());
    EXPECT_FALSE(fx.guard.take_quit()) << "reported once";
    EXPECT_TRUE(fx.log.commands.empty()) << "quitting sends nothing to the worker";
}

TEST(UnsavedGuard, QuitAfterASuccessfulSaveOnlyAndOneQuestionAtATime) {
    GuardFixture fx;
    fx.guard.set_unsaved(1);
    EXPECT_FALSE(fx.guard.request_quit());
    ASSERT_TRUE(fx.asking());
    // A load asked for while the quit question is up is not held over it.
    fx.load();
    fx.press(257);  // Enter: Save as...
    EXPECT_EQ(fx.save_as, 1);
    EXPECT_FALSE(fx.guard.take_quit()) << "no quit before the save";
    EXPECT_FALSE(fx.guard.request_quit()) << "a second Ctrl+Q during the save does not quit";
    fx.guard.save_abandoned();
    EXPECT_FALSE(fx.guard.take_quit()) << "an abandoned save keeps the app open";
    EXPECT_FALSE(fx.guard.holding());

    EXPECT_FALSE(fx.guard.request_quit());
    ASSERT_TRUE(fx.asking());
    fx.ui.click(fx.rects.rects.at("unsaved.save_as"), fx.draw);
    fx.guard.saved();
    EXPECT_TRUE(fx.guard.take_quit());
    EXPECT_EQ(fx.loads(), 0);
}

}  // namespace
}  // namespace cbsim::gui
