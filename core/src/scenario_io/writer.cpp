// writer.cpp: Scenario -> canonical TOML text (the key order of scenario_keys.hpp, every key
// written, reals in shortest round-trip form, times in seconds with microsecond precision).
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "breaker_toml.hpp"
#include "cbsim/number_text.hpp"
#include "cbsim/scenario_io.hpp"
#include "cbsim/scenario_keys.hpp"
#include "scenario_io/internal.hpp"

namespace cbsim {

namespace {

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
            add("p50", text::toml_real(l.p50_ms));
            add("p99", text::toml_real(l.p99_ms));
            if (mean_extra) add("mean", text::toml_real(l.mean_ms));
            if (constant_extra) add("constant", text::toml_real(l.constant_ms));
            break;
        case LatencyDist::exponential:
            add("dist", quoted("exponential"));
            add("mean", text::toml_real(l.mean_ms));
            if (p_extra) {
                add("p50", text::toml_real(l.p50_ms));
                add("p99", text::toml_real(l.p99_ms));
            }
            if (constant_extra) add("constant", text::toml_real(l.constant_ms));
            break;
        case LatencyDist::constant:
            if (p_extra || mean_extra) add("dist", quoted("constant"));
            add("constant", text::toml_real(l.constant_ms));
            if (p_extra) {
                add("p50", text::toml_real(l.p50_ms));
                add("p99", text::toml_real(l.p99_ms));
            }
            if (mean_extra) add("mean", text::toml_real(l.mean_ms));
            break;
    }
    return out + " }";
}

/// `name = value` lines of the plain keys of `kt` (numbers, booleans, choices, names) in table
/// order; the other keys through `other`, in their place.
template <typename Other>
void write_keys(KeyTable kt, const void* object, std::string& out, Other&& other) {
    for (const ScenarioKey& k : scenario_keys()) {
        if (k.table != kt) continue;
        std::string value;
        switch (k.type) {
            case KeyType::integer:
                value = text::integer(static_cast<std::int64_t>(k.get(object)));
                break;
            case KeyType::real:
                value = text::toml_real(k.get(object));
                break;
            case KeyType::boolean:
                value = k.get(object) != 0.0 ? "true" : "false";
                break;
            case KeyType::choice:
                value = quoted(k.choices[static_cast<std::size_t>(k.get(object))]);
                break;
            case KeyType::string:
                value = quoted(k.get_text(object));
                break;
            default:
                other(k);
                continue;
        }
        out += k.name;
        out += " = ";
        out += value;
        out += '\n';
    }
}

void write_dependency(const Dependency& d, std::string& out) {
    out += "\n[[service.dependency]]\n";
    write_keys(KeyTable::dependency, &d, out, [](const ScenarioKey&) {});
    out += "\n[service.dependency.retry]\n";
    write_keys(KeyTable::retry, &d, out, [](const ScenarioKey&) {});
    if (d.breaker) {
        out += '\n';
        out += detail::breaker_to_toml_text(*d.breaker, "service.dependency.breaker");
    }
}

void write_service(const Service& s, std::string& out) {
    out += "\n[[service]]\n";
    write_keys(KeyTable::service, &s, out, [&](const ScenarioKey& k) {
        if (std::string_view(k.name) == "latency_ms")
            out += "latency_ms = " + latency(s.latency) + "\n";
    });
    for (const Dependency& d : s.dependencies)
        write_dependency(d, out);
}

}  // namespace

std::string detail::toml_basic_string(std::string_view s) {
    return quoted(s);
}

std::string scenario_to_toml(const Scenario& sc) {
    std::string out = "# cbsim scenario; docs/SCENARIOS.md describes every key.\n";
    write_keys(KeyTable::top, &sc, out, [&](const ScenarioKey& k) {
        if (std::string_view(k.name) == "seed") out += "seed = " + seed_text(sc.seed) + "\n";
    });

    out += "\n[traffic]\n";
    write_keys(KeyTable::traffic, &sc.traffic, out, [&](const ScenarioKey& k) {
        if (std::string_view(k.name) != "phases" || sc.traffic.phases.empty()) return;
        out += "phases = [\n";
        for (const TrafficPhase& p : sc.traffic.phases) {
            out += "  { at_s = " + seconds(p.at) + ", rate_rps = " + text::toml_real(p.rate_rps) +
                   ", ramp_s = " + seconds(p.ramp) + " },\n";
        }
        out += "]\n";
    });

    for (const Service& s : sc.services)
        write_service(s, out);

    for (const TimelineEntry& e : sc.timeline) {
        out += "\n[[timeline]]\n";
        out += "at_s = " + seconds(e.at) + "\n";
        out += "set = " + quoted(e.path) + "\n";
        if (const auto* name = std::get_if<std::string>(&e.value)) {
            out += "value = " + quoted(*name) + "\n";
        } else {
            out += "value = " + text::number(std::get<double>(e.value)) + "\n";
        }
        if (!e.gesture()) continue;
        out += "until_s = " + seconds(e.until) + "\n";
        out += "steps = [";
        for (std::size_t k = 0; k < e.steps.size(); ++k) {
            out += k % 4 == 0 ? "\n  " : " ";
            out += '[';
            out += seconds(e.steps[k].at);
            out += ", ";
            text::number(out, e.steps[k].value);
            out += "],";
        }
        out += "\n]\n";
    }
    return out;
}

}  // namespace cbsim
