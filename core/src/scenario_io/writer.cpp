// writer.cpp: Scenario -> canonical TOML text (fixed key order, every key written, reals in
// shortest round-trip form, times in seconds with microsecond precision).
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "breaker_toml.hpp"
#include "cbsim/scenario_io.hpp"

namespace cbsim {

namespace {

/// A TOML float that reads back as the same double: shortest round-trip digits, with ".0"
/// added when they would read as an integer ("20" -> "20.0", "1e+20" stays).
std::string real(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    if (v == 0.0) return "0.0";  // also -0.0: the sign has no meaning in a scenario
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    std::string s(buf, r.ptr);
    if (s.find_first_of(".eE") == std::string::npos) s += ".0";
    return s;
}

std::string integer(std::int64_t v) {
    return std::to_string(v);
}

/// A number that is an integer as an integer ("10"), else as real() does.
std::string number(double v) {
    constexpr double kExact = 9007199254740992.0;  // 2^53: integers below are exact doubles
    if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < kExact && v != 0.0)
        return integer(static_cast<std::int64_t>(v));
    if (v == 0.0) return "0";
    return real(v);
}

/// Seconds with up to six decimals and no trailing zeros: 30 -> "30", 1500000 us -> "1.5".
std::string seconds(SimTime t) {
    const bool negative = t < 0;
    const auto magnitude =
        negative ? 0 - static_cast<std::uint64_t>(t) : static_cast<std::uint64_t>(t);
    std::string out = negative ? "-" : "";
    out += std::to_string(magnitude / 1000000);
    std::uint64_t frac = magnitude % 1000000;
    if (frac != 0) {
        std::string digits = std::to_string(frac);
        digits.insert(0, 6 - digits.size(), '0');
        while (digits.back() == '0')
            digits.pop_back();
        out += "." + digits;
    }
    return out;
}

/// A TOML basic string: quotes, backslashes and control characters escaped.
std::string quoted(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
                    static const char* hex = "0123456789ABCDEF";
                    const auto u = static_cast<unsigned char>(c);
                    out += "\\u00";
                    out += hex[u >> 4];
                    out += hex[u & 0xF];
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

std::string seed_text(std::uint64_t seed) {
    // TOML integers are signed 64-bit: larger seeds travel as decimal strings.
    if (seed > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return quoted(std::to_string(seed));
    return std::to_string(seed);
}

/// `{ p50 = .., p99 = .. }`, `{ dist = "exponential", mean = .. }` or `{ constant = .. }`; the
/// fields of the other distributions follow when they differ from their defaults (with an
/// explicit `dist`, since the keys alone would then be ambiguous).
std::string latency(const Latency& l) {
    const Latency d;
    const bool p_extra = l.p50_ms != d.p50_ms || l.p99_ms != d.p99_ms;
    const bool mean_extra = l.mean_ms != d.mean_ms;
    const bool constant_extra = l.constant_ms != d.constant_ms;
    std::string out = "{ ";
    auto add = [&out](std::string_view key, const std::string& value) {
        if (out.size() > 2) out += ", ";
        out += std::string(key) + " = " + value;
    };
    switch (l.dist) {
        case LatencyDist::lognormal:
            add("p50", real(l.p50_ms));
            add("p99", real(l.p99_ms));
            if (mean_extra) add("mean", real(l.mean_ms));
            if (constant_extra) add("constant", real(l.constant_ms));
            break;
        case LatencyDist::exponential:
            add("dist", quoted("exponential"));
            add("mean", real(l.mean_ms));
            if (p_extra) {
                add("p50", real(l.p50_ms));
                add("p99", real(l.p99_ms));
            }
            if (constant_extra) add("constant", real(l.constant_ms));
            break;
        case LatencyDist::constant:
            if (p_extra || mean_extra) add("dist", quoted("constant"));
            add("constant", real(l.constant_ms));
            if (p_extra) {
                add("p50", real(l.p50_ms));
                add("p99", real(l.p99_ms));
            }
            if (mean_extra) add("mean", real(l.mean_ms));
            break;
    }
    return out + " }";
}

void write_dependency(const Dependency& d, std::string& out) {
    out += "\n[[service.dependency]]\n";
    out += "target = " + quoted(d.target) + "\n";
    out += "timeout_ms = " + integer(d.timeout_ms) + "\n";
    out += "max_in_flight = " + integer(d.max_in_flight) + "\n";
    out += "fallback = " + std::string(d.fallback ? "true" : "false") + "\n";
    out += "breaker_scope = " + quoted(to_string(d.breaker_scope)) + "\n";
    out += "store_sync_ms = " + integer(d.store_sync_ms) + "\n";
    out += "\n[service.dependency.retry]\n";
    out += "max_attempts = " + integer(d.retry.max_attempts) + "\n";
    out += "backoff_base_ms = " + integer(d.retry.backoff_base_ms) + "\n";
    out += "backoff_cap_ms = " + integer(d.retry.backoff_cap_ms) + "\n";
    out += "jitter = " + quoted(to_string(d.retry.jitter)) + "\n";
    out += "budget_rps = " + real(d.retry.budget_rps) + "\n";
    out += "budget_burst = " + real(d.retry.budget_burst) + "\n";
    if (d.breaker)
        out += "\n" + detail::breaker_to_toml_text(*d.breaker, "service.dependency.breaker");
}

void write_service(const Service& s, std::string& out) {
    out += "\n[[service]]\n";
    out += "name = " + quoted(s.name) + "\n";
    out += "instances = " + integer(s.instances) + "\n";
    out += "capacity = " + integer(s.capacity) + "\n";
    out += "queue_limit = " + integer(s.queue_limit) + "\n";
    out += "latency_ms = " + latency(s.latency) + "\n";
    out += "failure_rate = " + real(s.failure_rate) + "\n";
    out += "failure_pattern = " + quoted(to_string(s.failure_pattern)) + "\n";
    out += "every_nth = " + integer(s.every_nth) + "\n";
    out += "failure_latency_ms = " + real(s.failure_latency_ms) + "\n";
    out += "hang_rate = " + real(s.hang_rate) + "\n";
    for (const Dependency& d : s.dependencies)
        write_dependency(d, out);
}

}  // namespace

std::string scenario_to_toml(const Scenario& sc) {
    std::string out = "# cbsim scenario; docs/SCENARIOS.md describes every key.\n";
    out += "name = " + quoted(sc.name) + "\n";
    out += "seed = " + seed_text(sc.seed) + "\n";
    out += "duration_s = " + real(sc.duration_s) + "\n";
    out += "resolution_ms = " + integer(sc.resolution_ms) + "\n";

    out += "\n[traffic]\n";
    out += "target = " + quoted(sc.traffic.target) + "\n";
    out += "rate_rps = " + real(sc.traffic.rate_rps) + "\n";
    out += "arrival = " + quoted(to_string(sc.traffic.arrival)) + "\n";
    if (!sc.traffic.phases.empty()) {
        out += "phases = [\n";
        for (const TrafficPhase& p : sc.traffic.phases) {
            out += "  { at_s = " + seconds(p.at) + ", rate_rps = " + real(p.rate_rps) +
                   ", ramp_s = " + seconds(p.ramp) + " },\n";
        }
        out += "]\n";
    }

    for (const Service& s : sc.services)
        write_service(s, out);

    for (const TimelineEntry& e : sc.timeline) {
        out += "\n[[timeline]]\n";
        out += "at_s = " + seconds(e.at) + "\n";
        out += "set = " + quoted(e.path) + "\n";
        if (const auto* text = std::get_if<std::string>(&e.value)) {
            out += "value = " + quoted(*text) + "\n";
        } else {
            out += "value = " + number(std::get<double>(e.value)) + "\n";
        }
    }
    return out;
}

}  // namespace cbsim
