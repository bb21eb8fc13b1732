// concurrent_breaker_test.cpp: the thread-safe breaker, on one thread against the state
// machine and on several real threads.
#include "breaker_test_util.hpp"

#include <cbsim/concurrent_breaker.hpp>
#include <cbsim/rng.hpp>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace cbsim::test {
namespace {

using ::testing::ElementsAre;

struct Logged {
    explicit Logged(const BreakerConfig& c) : breaker(c) {
        breaker.set_transition_sink([this](const Transition& t) {
            texts.push_back(t.text());
            log.push_back(t);
        });
    }
    ConcurrentBreaker breaker;
    std::vector<std::string> texts;
    std::vector<Transition> log;
};

// [SECTION] One thread ---------------------------------------------------------------------

TEST(ConcurrentBreaker, AlwaysFailingServiceGetsThreeCalls) {
    Logged l(gobreaker({{"trip.consecutive_failures", 3}, {"timeout_ms", 60000}}));
    EXPECT_TRUE(l.breaker.fast_path_active());
    int reached = 0, rejected = 0;
    for (int i = 0; i < 20; ++i) {
        try {
            l.breaker.execute([&]() -> int {
                ++reached;
                throw std::runtime_error("down");
            });
        } catch (const BreakerRejected& e) {
            EXPECT_EQ(e.rejection(), Rejection::open);
            ++rejected;
        } catch (const std::runtime_error&) {
        }
    }
    EXPECT_EQ(reached, 3);
    EXPECT_EQ(rejected, 17);
    EXPECT_EQ(l.breaker.state(), State::open);
    EXPECT_FALSE(l.breaker.fast_path_active());
    EXPECT_THAT(l.texts, ElementsAre("opened: consecutive_failures 3 >= 3"));
}

TEST(ConcurrentBreaker, DefaultTripSaysMoreThanFive) {
    Logged l(gobreaker({}));
    for (int i = 0; i < 6; ++i) {
        const Admission a = l.breaker.acquire();
        ASSERT_TRUE(a.allowed());
        l.breaker.record(a.permit, Outcome::failure);
    }
    EXPECT_EQ(l.breaker.state(), State::open);
    EXPECT_THAT(l.texts, ElementsAre("opened: consecutive_failures 6 > 5"));
}

TEST(ConcurrentBreaker, ExecuteReturnsTheResultAndRethrows) {
    ConcurrentBreaker b(gobreaker({{"trip.consecutive_failures", 2}}));
    EXPECT_EQ(b.execute([] { return 42; }), 42);
    int calls = 0;
    b.execute([&] { ++calls; });
    EXPECT_EQ(calls, 1);
    EXPECT_THROW(b.execute([]() -> int { throw std::logic_error("x"); }), std::logic_error);
    const Counts c = b.counts();
    EXPECT_EQ(c.requests, 3u);
    EXPECT_EQ(c.total_successes, 2u);
    EXPECT_EQ(c.total_failures, 1u);
    EXPECT_EQ(c.consecutive_failures, 1u);
    EXPECT_EQ(c.consecutive_successes, 0u);
    b.execute([] {});
    EXPECT_EQ(b.counts().consecutive_failures, 0u);
    EXPECT_EQ(b.counts().consecutive_successes, 1u);
}

TEST(ConcurrentBreaker, IgnoredOutcomeCountsOnlyAnExclusion) {
    ConcurrentBreaker b(gobreaker({{"trip.consecutive_failures", 2}}));
    Admission a = b.acquire();
    b.record(a.permit, Outcome::failure);
    a = b.acquire();
    b.record(a.permit, Outcome::ignored);
    EXPECT_EQ(b.counts().total_exclusions, 1u);
    EXPECT_EQ(b.counts().consecutive_failures, 1u);
    a = b.acquire();
    b.record(a.permit, Outcome::timeout);  // a failure
    EXPECT_EQ(b.state(), State::open);
}

TEST(ConcurrentBreaker, StaleResultAfterTripIsDropped) {
    ConcurrentBreaker b(gobreaker({{"trip.consecutive_failures", 1}, {"timeout_ms", 60000}}));
    const Admission slow = b.acquire();
    const Admission fast = b.acquire();
    b.record(fast.permit, Outcome::failure);
    ASSERT_EQ(b.state(), State::open);
    b.record(slow.permit, Outcome::success);
    EXPECT_EQ(b.counts(), Counts{});
    EXPECT_EQ(b.state(), State::open);
}

TEST(ConcurrentBreaker, HalfOpenAfterTheTimeoutThenClosesAndGoesFastAgain) {
    Logged l(
        gobreaker({{"trip.consecutive_failures", 1}, {"timeout_ms", 20}, {"max_requests", 2}}));
    Admission a = l.breaker.acquire();
    l.breaker.record(a.permit, Outcome::failure);
    ASSERT_FALSE(l.breaker.fast_path_active());
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
    EXPECT_EQ(l.breaker.state(), State::half_open);
    const Admission p1 = l.breaker.acquire();
    const Admission p2 = l.breaker.acquire();
    ASSERT_TRUE(p1.allowed() && p2.allowed());
    EXPECT_EQ(l.breaker.acquire().rejection, Rejection::too_many_requests);
    l.breaker.record(p1.permit, Outcome::success);
    l.breaker.record(p2.permit, Outcome::success);
    EXPECT_EQ(l.breaker.state(), State::closed);
    EXPECT_TRUE(l.breaker.fast_path_active());
    ASSERT_EQ(l.texts.size(), 3u);
    EXPECT_EQ(l.texts[2], "closed: consecutive_successes 2 >= 2");
}

TEST(ConcurrentBreaker, SameDecisionsAsTheStateMachine) {
    // Within the first minute nothing depends on time: the thread-safe breaker and the state
    // machine at t = 0 decide alike, call for call.
    for (const char* trip : {"trip.consecutive_failures", "trip.total_failures"}) {
        const BreakerConfig c = gobreaker({{trip, 7}, {"timeout_ms", 60000}});
        ConcurrentBreaker concurrent(c);
        const auto machine = make_breaker(c);
        Rng rng(5, stream_id("concurrent"));
        for (int i = 0; i < 5000; ++i) {
            const Outcome o = rng.bernoulli(0.2) ? Outcome::failure : Outcome::success;
            const Admission x = concurrent.acquire();
            const Admission y = machine->acquire(0);
            ASSERT_EQ(x.rejection, y.rejection) << trip << " call " << i;
            if (x.allowed()) {
                concurrent.record(x.permit, o);
                machine->record(y.permit, o, 0, 0);
            }
            ASSERT_EQ(concurrent.counts(), machine->counts()) << trip << " call " << i;
        }
        EXPECT_EQ(concurrent.state(), machine->state(0));
    }
}

TEST(ConcurrentBreaker, EveryPresetWorks) {
    for (Preset p : {Preset::gobreaker, Preset::resilience4j, Preset::polly, Preset::hystrix}) {
        ConcurrentBreaker b(BreakerConfig::defaults(p));
        EXPECT_EQ(b.execute([] { return 1; }), 1) << to_string(p);
        EXPECT_EQ(b.state(), State::closed);
        EXPECT_EQ(b.fast_path_active(), p == Preset::gobreaker);
    }
}

TEST(ConcurrentBreaker, WindowsAndExtrasUseTheLockedPath) {
    ConcurrentBreaker windowed(
        gobreaker({{"interval_ms", 1000}, {"trip.consecutive_failures", 2}}));
    EXPECT_FALSE(windowed.fast_path_active());
    ConcurrentBreaker ratio(gobreaker({{"trip.failure_ratio", 0.5}}));
    EXPECT_FALSE(ratio.fast_path_active());
    ConcurrentBreaker decorated(
        gobreaker({{"trip.consecutive_failures", 2}, {"extras.probe_timeout_ms", 100}}));
    EXPECT_FALSE(decorated.fast_path_active());
    for (ConcurrentBreaker* b : {&windowed, &decorated}) {
        for (int i = 0; i < 2; ++i) {
            const Admission a = b->acquire();
            b->record(a.permit, Outcome::failure);
        }
        EXPECT_EQ(b->state(), State::open);
        EXPECT_EQ(b->acquire().rejection, Rejection::open);
    }
}

// [SECTION] Real threads -------------------------------------------------------------------

TEST(ConcurrentBreakerThreads, CountsEveryCallOfEveryThread) {
    ConcurrentBreaker b(gobreaker({{"trip.consecutive_failures", 3}}));
    constexpr int kThreads = 4, kCalls = 20000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < kCalls; ++i)
                b.execute([] {});
        });
    }
    for (auto& t : threads)
        t.join();
    const Counts c = b.counts();
    EXPECT_EQ(c.requests, static_cast<std::uint32_t>(kThreads * kCalls));
    EXPECT_EQ(c.total_successes, static_cast<std::uint32_t>(kThreads * kCalls));
    EXPECT_EQ(b.state(), State::closed);
}

TEST(ConcurrentBreakerThreads, AlwaysFailingServiceTripsOnceWithFewCalls) {
    constexpr int kThreads = 4;
    for (int round = 0; round < 20; ++round) {
        Logged l(gobreaker({{"trip.consecutive_failures", 3}, {"timeout_ms", 60000}}));
        std::atomic<int> reached{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&] {
                for (int i = 0; i < 200; ++i) {
                    try {
                        l.breaker.execute([&] {
                            reached.fetch_add(1);
                            throw std::runtime_error("down");
                        });
                    } catch (const std::exception&) {
                    }
                }
            });
        }
        for (auto& t : threads)
            t.join();
        // Three failures trip; at most one call per other thread was already in flight.
        EXPECT_GE(reached.load(), 3);
        EXPECT_LE(reached.load(), 3 + kThreads - 1);
        EXPECT_THAT(l.texts, ElementsAre("opened: consecutive_failures 3 >= 3"));
        EXPECT_EQ(l.breaker.state(), State::open);
    }
}

TEST(ConcurrentBreakerThreads, MixedOutcomesOnEveryPresetStayConsistent) {
    for (Preset p : {Preset::gobreaker, Preset::resilience4j, Preset::polly, Preset::hystrix}) {
        BreakerConfig c = BreakerConfig::defaults(p);
        if (p == Preset::gobreaker) {
            c = gobreaker(
                {{"trip.consecutive_failures", 4}, {"timeout_ms", 1}, {"max_requests", 3}});
        }
        Logged l(c);
        std::atomic<int> admitted{0}, rejected{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] {
                Rng rng(static_cast<std::uint64_t>(t), stream_id("mixed"));
                for (int i = 0; i < 5000; ++i) {
                    const Admission a = l.breaker.acquire();
                    if (!a.allowed()) {
                        rejected.fetch_add(1);
                        continue;
                    }
                    admitted.fetch_add(1);
                    l.breaker.record(a.permit,
                                     rng.bernoulli(0.4) ? Outcome::failure : Outcome::success);
                }
            });
        }
        for (auto& t : threads)
            t.join();
        EXPECT_EQ(admitted.load() + rejected.load(), 20000) << to_string(p);
        // Transitions chain (each starts where the previous ended) and times never go back.
        State at = State::closed;
        SimTime last = 0;
        for (const Transition& t : l.log) {
            EXPECT_EQ(t.from, at) << to_string(p);
            EXPECT_GE(t.at, last) << to_string(p);
            at = t.to;
            last = t.at;
        }
        if (p == Preset::gobreaker) {
            EXPECT_FALSE(l.log.empty());
            EXPECT_GT(rejected.load(), 0);
        }
    }
}

TEST(ConcurrentBreakerThreads, OpenRejectsFromEveryThread) {
    ConcurrentBreaker b(gobreaker({{"trip.consecutive_failures", 1}, {"timeout_ms", 600000}}));
    const Admission a = b.acquire();
    b.record(a.permit, Outcome::failure);
    std::atomic<int> admitted{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 10000; ++i)
                admitted.fetch_add(b.acquire().allowed() ? 1 : 0);
        });
    }
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(admitted.load(), 0);
    EXPECT_EQ(b.counts(), Counts{});
}

}  // namespace
}  // namespace cbsim::test
