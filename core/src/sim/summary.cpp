// summary.cpp: summary.json and the terminal table.
#include "cbsim/summary.hpp"

#include "cbsim/scenario_io.hpp"
#include "cbsim/text.hpp"
#include "sim/format.hpp"

namespace cbsim {

namespace {

struct Json {
    std::string out;
    int depth = 0;
    bool first = true;

    void newline() {
        out += '\n';
        out.append(static_cast<std::size_t>(depth) * 2, ' ');
    }
    void key(std::string_view k) {
        if (!first) out += ',';
        first = false;
        newline();
        fmt::json_string(out, k);
        out += ": ";
    }
    void open(char c) {
        out += c;
        ++depth;
        first = true;
    }
    void close(char c) {
        --depth;
        if (!first) newline();
        out += c;
        first = false;
    }
    void item() {
        if (!first) out += ',';
        first = false;
        newline();
    }
    void str(std::string_view k, std::string_view v) {
        key(k);
        fmt::json_string(out, v);
    }
    void num(std::string_view k, std::uint64_t v) {
        key(k);
        fmt::integer(out, v);
    }
    void real(std::string_view k, double v, int decimals = 6) {
        key(k);
        fmt::fixed(out, v, decimals);
    }
    void opt(std::string_view k, const std::optional<double>& v) {
        key(k);
        if (v)
            fmt::fixed(out, *v, 6);
        else
            out += "null";
    }
    void boolean(std::string_view k, bool v) {
        key(k);
        out += v ? "true" : "false";
    }
};

constexpr EdgeKpi count(std::string_view key, std::uint64_t EdgeSummary::*m,
                        bool omit_zero = false) {
    return {.key = key, .kind = EdgeKpi::Kind::count, .count = m, .omit_zero = omit_zero};
}
constexpr EdgeKpi real(std::string_view key, double EdgeSummary::*m, int decimals) {
    return {.key = key, .kind = EdgeKpi::Kind::real, .real = m, .decimals = decimals};
}
constexpr EdgeKpi opt(std::string_view key, std::optional<double> EdgeSummary::*m) {
    return {.key = key, .kind = EdgeKpi::Kind::optional, .opt = m};
}

// clang-format off
constexpr EdgeKpi kEdgeKpis[] = {
    count("first_tries", &EdgeSummary::first_tries),
    count("finished", &EdgeSummary::finished),
    count("succeeded", &EdgeSummary::succeeded),
    real("availability", &EdgeSummary::availability, 6).compare("%", Better::higher, 3,
        "share of finished calls that succeeded as the caller saw them (fallbacks included)",
        100.0),
    count("attempts", &EdgeSummary::attempts),
    count("retries", &EdgeSummary::retries),
    real("retry_amplification", &EdgeSummary::retry_amplification, 6).compare("x", Better::lower,
        4, "attempts per first try"),
    count("allowed", &EdgeSummary::allowed),
    count("rejected", &EdgeSummary::rejected).compare("attempts", Better::neither, 0,
        "attempts the breaker refused"),
    count("bulkhead_rejected", &EdgeSummary::bulkhead_rejected).compare("attempts",
        Better::neither, 0, "attempts refused by a full bulkhead (or the preset's capacity)"),
    count("waited", &EdgeSummary::waited, true),  // presets with the wait answer
    count("calls_saved", &EdgeSummary::calls_saved).compare("calls", Better::neither, 0,
        "calls the target never had to serve"),
    count("good_rejected", &EdgeSummary::good_rejected).compare("attempts", Better::lower, 0,
        "attempts the breaker refused that would have succeeded (known from the call's own "
        "random draws)"),
    count("successes", &EdgeSummary::successes),
    count("failures", &EdgeSummary::failures).compare("attempts", Better::lower, 0,
        "attempts that failed, timeouts included"),
    count("timeouts", &EdgeSummary::timeouts).compare("attempts", Better::lower, 0,
        "attempts the caller's timeout ended"),
    count("fallbacks", &EdgeSummary::fallbacks).compare("calls", Better::neither, 0,
        "calls answered by the fallback"),
    real("latency_mean_ms", &EdgeSummary::latency_mean_ms, 3).compare("ms", Better::lower, 3,
        "mean attempt latency"),
    real("latency_p50_ms", &EdgeSummary::latency_p50_ms, 3),
    real("latency_p99_ms", &EdgeSummary::latency_p99_ms, 3).compare("ms", Better::lower, 3,
        "99th percentile attempt latency"),
    count("transitions", &EdgeSummary::transitions),
    count("opens", &EdgeSummary::opens).compare("transitions", Better::neither, 0,
        "transitions to open"),
    count("false_trips", &EdgeSummary::false_trips).compare("transitions", Better::lower, 0,
        "opens while the target's failure probability was below the breaker's threshold"),
    count("faults", &EdgeSummary::faults),
    count("detections", &EdgeSummary::detections),
    opt("detection_delay_s", &EdgeSummary::detection_delay_s).compare("s", Better::lower, 3,
        "mean time from a fault to the breaker opening"),
    count("recoveries", &EdgeSummary::recoveries),
    opt("recovery_delay_s", &EdgeSummary::recovery_delay_s).compare("s", Better::lower, 3,
        "mean time from the target's recovery to every breaker closed"),
};
// clang-format on

}  // namespace

const char* to_string(Better better) {
    switch (better) {
        case Better::higher:
            return "higher";
        case Better::lower:
            return "lower";
        case Better::neither:
            return "-";
    }
    return "";
}

std::span<const EdgeKpi> edge_kpis() {
    return kEdgeKpis;
}

std::string summary_json(const Summary& s) {
    Json j;
    j.open('{');
    j.str("scenario", s.scenario);
    j.num("seed", s.seed);
    j.real("duration_s", s.duration_s);
    j.num("requests", s.requests);
    j.real("availability", s.availability);
    j.num("rejected", s.rejected);
    j.num("calls_saved", s.calls_saved);
    j.num("changes_applied", s.changes_applied);
    j.num("events_processed", s.events_processed);
    j.key("edges");
    j.open('[');
    for (const EdgeSummary& e : s.edges) {
        j.item();
        j.open('{');
        j.str("edge", e.edge);
        j.boolean("has_breaker", e.has_breaker);
        for (const EdgeKpi& k : kEdgeKpis) {
            switch (k.kind) {
                case EdgeKpi::Kind::count:
                    if (!k.omit_zero || e.*k.count != 0) j.num(k.key, e.*k.count);
                    break;
                case EdgeKpi::Kind::real:
                    j.real(k.key, e.*k.real, k.decimals);
                    break;
                case EdgeKpi::Kind::optional:
                    j.opt(k.key, e.*k.opt);
                    break;
            }
        }
        j.key("seconds_in_state");
        j.open('{');
        for (std::size_t st = 0; st < kStates; ++st) {
            if (st >= 3 && e.seconds_in_state[st] == 0.0) continue;  // presets without them
            j.real(to_string(static_cast<State>(st)), e.seconds_in_state[st]);
        }
        j.close('}');
        j.close('}');
    }
    j.close(']');
    j.close('}');
    j.out += '\n';
    return j.out;
}

std::string summary_text(const Summary& s) {
    std::string out;
    out += "scenario      " + printable(s.scenario, kMaxNameLength) + "\n";
    out += "seed          " + std::to_string(s.seed) + "\n";
    out += "simulated     " + fmt::fixed(s.duration_s, 3) + " s, " + std::to_string(s.requests) +
           " requests, " + std::to_string(s.events_processed) + " events\n";
    out += "availability  " + fmt::fixed(100.0 * s.availability, 3) + " % (seen by clients)\n";
    out += "rejected      " + std::to_string(s.rejected) +
           " (calls saved downstream: " + std::to_string(s.calls_saved) + ")\n";
    out += "changes       " + std::to_string(s.changes_applied) + " applied\n";
    for (const EdgeSummary& e : s.edges) {
        out += "\n" + e.edge + "\n";
        out += "  availability " + fmt::fixed(100.0 * e.availability, 3) + " %, attempts " +
               std::to_string(e.attempts) + ", retry amplification " +
               fmt::fixed(e.retry_amplification, 3) + "\n";
        out += "  successes " + std::to_string(e.successes) + ", failures " +
               std::to_string(e.failures) + " (timeouts " + std::to_string(e.timeouts) +
               "), fallbacks " + std::to_string(e.fallbacks) + "\n";
        out += "  latency mean " + fmt::fixed(e.latency_mean_ms, 3) + " ms, p50 " +
               fmt::fixed(e.latency_p50_ms, 3) + " ms, p99 " + fmt::fixed(e.latency_p99_ms, 3) +
               " ms\n";
        if (!e.has_breaker) continue;
        out += "  breaker: rejected " + std::to_string(e.rejected) + " (would have succeeded " +
               std::to_string(e.good_rejected) + ")" +
               (e.waited > 0 ? ", waited " + std::to_string(e.waited) : std::string()) +
               ", opens " + std::to_string(e.opens) + ", false trips " +
               std::to_string(e.false_trips) + ", transitions " + std::to_string(e.transitions) +
               "\n";
        out += "  detection delay " +
               (e.detection_delay_s ? fmt::fixed(*e.detection_delay_s, 3) + " s" : "-") + " (" +
               std::to_string(e.detections) + "/" + std::to_string(e.faults) +
               " faults), recovery delay " +
               (e.recovery_delay_s ? fmt::fixed(*e.recovery_delay_s, 3) + " s" : "-") + "\n";
        out += "  time in state: closed " + fmt::fixed(e.seconds_in_state[0], 3) + " s, open " +
               fmt::fixed(e.seconds_in_state[1], 3) + " s, half_open " +
               fmt::fixed(e.seconds_in_state[2], 3) + " s\n";
    }
    return out;
}

}  // namespace cbsim
