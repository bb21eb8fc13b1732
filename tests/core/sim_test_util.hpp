// Scenario builders shared by the sim_* tests.
#pragma once

#include <string>

#include "cbsim/scenario.hpp"

namespace cbsim::test {

inline Service service(const std::string& name, std::int64_t instances, std::int64_t capacity,
                       Latency latency) {
    Service s;
    s.name = name;
    s.instances = instances;
    s.capacity = capacity;
    s.queue_limit = 1000000;
    s.latency = latency;
    return s;
}

inline Latency exponential_ms(double mean) {
    Latency l;
    l.dist = LatencyDist::exponential;
    l.mean_ms = mean;
    return l;
}

inline Latency constant_ms(double ms) {
    Latency l;
    l.dist = LatencyDist::constant;
    l.constant_ms = ms;
    return l;
}

inline Latency lognormal_ms(double p50, double p99) {
    Latency l;
    l.dist = LatencyDist::lognormal;
    l.p50_ms = p50;
    l.p99_ms = p99;
    return l;
}

inline Dependency edge_to(const std::string& target, std::int64_t timeout_ms = 1000) {
    Dependency d;
    d.target = target;
    d.timeout_ms = timeout_ms;
    return d;
}

inline BreakerConfig gobreaker_consecutive(std::int64_t failures, std::int64_t open_ms) {
    GobreakerSettings g;
    g.trip = GobreakerSettings::Trip::consecutive_failures;
    g.consecutive_failures = failures;
    g.timeout_ms = open_ms;
    BreakerConfig c;
    c.settings = g;
    return c;
}

/// client -> A -> B, A with `a_instances` unbounded instances and a 1 ms service time.
inline Scenario a_calls_b(double rate_rps, Service b, std::int64_t a_instances = 1) {
    Scenario sc;
    sc.name = "test";
    sc.seed = 7;
    sc.duration_s = 60;
    sc.traffic.target = "A";
    sc.traffic.rate_rps = rate_rps;
    Service a = service("A", a_instances, 0, constant_ms(1));
    a.dependencies.push_back(edge_to(b.name));
    sc.services = {a, b};
    return sc;
}

}  // namespace cbsim::test
