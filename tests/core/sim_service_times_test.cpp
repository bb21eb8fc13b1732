// Service times drawn in batches: the values, in order, are those of one draw per call, also
// across changes of the service's latency settings (which rewind the stream).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "cbsim/rng.hpp"
#include "cbsim/scenario.hpp"
#include "sim/engine.hpp"

namespace cbsim {
namespace {

struct Params {
    Latency latency;
    LognormalShape shape;
};

Params lognormal(double p50, double p99) {
    Params p;
    p.latency.dist = LatencyDist::lognormal;
    p.latency.p50_ms = p50;
    p.latency.p99_ms = p99;
    p.shape = lognormal_shape(p50, p99);
    return p;
}
Params exponential(double mean) {
    Params p;
    p.latency.dist = LatencyDist::exponential;
    p.latency.mean_ms = mean;
    return p;
}
Params constant(double ms) {
    Params p;
    p.latency.dist = LatencyDist::constant;
    p.latency.constant_ms = ms;
    return p;
}

/// One draw per call, as the engine would without batches.
double one_draw(Rng& rng, const Params& p) {
    switch (p.latency.dist) {
        case LatencyDist::lognormal:
            return exp_det(p.shape.mu + p.shape.sigma * rng.normal());
        case LatencyDist::exponential:
            return rng.exponential(p.latency.mean_ms);
        case LatencyDist::constant:
            return p.latency.constant_ms;
    }
    return 0.0;
}

TEST(SimServiceTimes, BatchesGiveTheValuesOfOneDrawPerCallAcrossChanges) {
    const std::vector<Params> settings = {lognormal(20, 80), exponential(4),    lognormal(1, 5),
                                          constant(3),       lognormal(20, 20), exponential(0.5)};
    sim::ServiceTimes batched;
    batched.rng = Rng(9, 1);
    Rng reference(9, 1);
    Rng pick(9, 2);
    std::size_t current = 0;
    std::uint64_t changes = 0, mid_batch = 0;
    for (int call = 0; call < 20000; ++call) {
        if (pick.below(37) == 0) {  // a change between two calls, anywhere in a batch
            if (batched.next != 0 && batched.next != sim::ServiceTimes::kBatch) ++mid_batch;
            batched.rewind();
            current = static_cast<std::size_t>(pick.below(settings.size()));
            ++changes;
        }
        const Params& p = settings[current];
        ASSERT_EQ(batched.take(p.latency, p.shape), one_draw(reference, p)) << call;
    }
    EXPECT_GT(changes, 400u);
    EXPECT_GT(mid_batch, 300u);
    // Where the streams stand must agree too, not only the values taken so far.
    batched.rewind();
    EXPECT_EQ(batched.rng.next(), reference.next());
}

TEST(SimServiceTimes, ConstantTimesDrawNothing) {
    sim::ServiceTimes t;
    t.rng = Rng(3, 3);
    const Params c = constant(7.5);
    for (int i = 0; i < 100; ++i)
        EXPECT_EQ(t.take(c.latency, c.shape), 7.5);
    Rng untouched(3, 3);
    EXPECT_EQ(t.rng.next(), untouched.next());
}

}  // namespace
}  // namespace cbsim
