// replay.cpp: trace parsing, the replay loop and decisions.csv.
#include "cbsim/replay.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <queue>
#include <sstream>

#include "cbsim/error.hpp"
#include "cbsim/text.hpp"

namespace cbsim {

// [SECTION] Parsing ----------------------------------------------------------------------------

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> split(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = line.find(',', start);
        out.push_back(trim(line.substr(start, comma - start)));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

constexpr SimTime kMaxMs = 1'000'000'000'000;  // about 31 years

/// A non-negative millisecond number with at most 3 decimals, as SimTime; false if invalid.
bool parse_ms(std::string_view s, SimTime& out) {
    if (s.empty()) return false;
    SimTime whole = 0;
    std::size_t i = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
        whole = whole * 10 + (s[i] - '0');
        if (whole > kMaxMs) return false;
    }
    if (i == 0) return false;
    SimTime micros = 0;
    if (i < s.size()) {
        if (s[i] != '.') return false;
        ++i;
        int digits = 0;
        for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++digits) {
            if (digits == 3) return false;
            micros = micros * 10 + (s[i] - '0');
        }
        if (digits == 0 || i != s.size()) return false;
        for (; digits < 3; ++digits)
            micros *= 10;
    }
    out = whole * kMillisecond + micros;
    return true;
}

bool parse_outcome(std::string_view s, Outcome& out) {
    for (Outcome o : {Outcome::success, Outcome::failure, Outcome::timeout, Outcome::ignored}) {
        if (s == to_string(o)) {
            out = o;
            return true;
        }
    }
    return false;
}

}  // namespace

Trace parse_trace(std::string_view text, const std::string& file) {
    Trace trace;
    // A UTF-8 byte order mark (spreadsheets write one) is not part of the header.
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    int line_no = 0;
    bool header_seen = false;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t end = std::min(text.find('\n', pos), text.size());
        const std::string_view line = trim(text.substr(pos, end - pos));
        pos = end + 1;
        ++line_no;
        if (line.empty()) {
            if (end == text.size()) break;
            continue;
        }
        const auto fields = split(line);
        if (!header_seen) {
            header_seen = true;
            const bool two = fields.size() == 2 && fields[0] == "t_ms" && fields[1] == "outcome";
            const bool three = fields.size() == 3 && fields[0] == "t_ms" &&
                               fields[1] == "outcome" && fields[2] == "duration_ms";
            if (!two && !three) {
                throw ConfigError(file, line_no, "header",
                                  "expected the header 't_ms,outcome' or "
                                  "'t_ms,outcome,duration_ms', got '" +
                                      printable(line) + "'");
            }
            trace.has_duration = three;
            continue;
        }
        const std::size_t want = trace.has_duration ? 3 : 2;
        if (fields.size() != want) {
            throw ConfigError(file, line_no, "",
                              "expected " + std::to_string(want) + " fields, got " +
                                  std::to_string(fields.size()));
        }
        TraceRow row;
        row.line = line_no;
        if (!parse_ms(fields[0], row.at)) {
            throw ConfigError(file, line_no, "t_ms",
                              "'" + printable(fields[0]) +
                                  "' is not a time; expected milliseconds >= 0 with at most 3 "
                                  "decimals");
        }
        if (!trace.rows.empty() && row.at < trace.rows.back().at) {
            throw ConfigError(file, line_no, "t_ms",
                              printable(fields[0]) + " is before the previous row's " +
                                  format_ms(trace.rows.back().at) + "; times must not decrease");
        }
        if (!parse_outcome(fields[1], row.outcome)) {
            throw ConfigError(file, line_no, "outcome",
                              "'" + printable(fields[1]) +
                                  "' is not an outcome; one of: success, failure, timeout, "
                                  "ignored");
        }
        if (trace.has_duration && !parse_ms(fields[2], row.duration)) {
            throw ConfigError(file, line_no, "duration_ms",
                              "'" + printable(fields[2]) +
                                  "' is not a duration; expected milliseconds >= 0 with at most "
                                  "3 decimals");
        }
        trace.rows.push_back(row);
        if (end == text.size()) break;
    }
    if (!header_seen) {
        throw ConfigError(file, 1, "header",
                          "empty trace; expected the header 't_ms,outcome' or "
                          "'t_ms,outcome,duration_ms'");
    }
    return trace;
}

Trace load_trace(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw ConfigError(path, 0, "", "cannot read the file: it is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw ConfigError(path, 0, "",
                          std::string("cannot read the file: ") + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw ConfigError(path, 0, "", "cannot read the file: read error");
    return parse_trace(text.str(), path);
}

// [SECTION] Replay -----------------------------------------------------------------------------

std::vector<Decision> replay(Breaker& breaker, const Trace& trace) {
    std::vector<Decision> out(trace.rows.size());
    std::vector<Permit> permits(trace.rows.size());
    std::vector<Outcome> outcomes(trace.rows.size());
    std::vector<SimTime> durations(trace.rows.size());
    // Pending completions by (end time, start order, row): the same instant completes in start
    // order (a released waiter starts at its release, after the rows admitted before it).
    struct Pending {
        SimTime end;
        std::uint64_t started;
        std::size_t row;
        bool operator>(const Pending& o) const {
            return end != o.end ? end > o.end : started > o.started;
        }
    };
    std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending;
    std::uint64_t starts = 0;
    std::vector<std::size_t> waiting;  // rows answered wait, in the order they asked
    std::uint64_t transitions = 0;     // seen through the sink: held rows then ask again
    // The caller's own sink (if any) still sees every transition.
    const TransitionSink outer = breaker.transition_sink();
    breaker.set_transition_sink([&transitions, &outer](const Transition& t) {
        ++transitions;
        if (outer) outer(t);
    });

    // Asks for row i at t; an admitted call is queued to complete at t + its duration, cut by
    // the preset's own call timeout when it lasts as long or longer.
    auto admit = [&](std::size_t i, SimTime t) {
        const TraceRow& row = trace.rows[i];
        const Admission a = breaker.acquire(t);
        if (a.waits()) {
            out[i].waited = true;
            waiting.push_back(i);
            return;
        }
        out[i].allowed = a.allowed();
        out[i].rejection = a.rejection;
        if (out[i].waited) out[i].released_at = t;
        if (!a.allowed()) {
            out[i].state = breaker.state(t);
            out[i].state_at = t;
            return;
        }
        permits[i] = a.permit;
        const SimTime limit = breaker.call_timeout();
        const bool cut = limit > 0 && row.duration >= limit;
        outcomes[i] = cut ? Outcome::timeout : row.outcome;
        durations[i] = cut ? limit : row.duration;
        pending.push(Pending{t + durations[i], starts++, i});
    };
    // The held rows ask again at t, in the order they first asked.
    auto release = [&](SimTime t) {
        std::vector<std::size_t> released;
        released.swap(waiting);
        for (const std::size_t w : released)
            admit(w, t);
    };
    // Every completion and timed transition at or before t, in time order; at one instant the
    // completions come first (their calls were admitted before the timer was armed). After a
    // transition the held rows ask again at once, in order (before anything else at that
    // instant); a released call without a duration completes in the same loop.
    auto complete_until = [&](SimTime t) {
        while (true) {
            const std::optional<SimTime> due = breaker.next_timed_transition();
            const bool completion =
                !pending.empty() && pending.top().end <= t && (!due || pending.top().end <= *due);
            const std::uint64_t seen = transitions;
            SimTime at = 0;
            if (completion) {
                const Pending p = pending.top();
                pending.pop();
                breaker.record(permits[p.row], outcomes[p.row], durations[p.row], p.end);
                out[p.row].state = breaker.state(p.end);
                out[p.row].state_at = p.end;
                at = p.end;
            } else {
                if (!due || *due > t) return;
                breaker.fire_timers(*due);
                at = *due;
            }
            if (!waiting.empty() && transitions != seen) release(at);
        }
    };

    for (std::size_t i = 0; i < trace.rows.size(); ++i) {
        const TraceRow& row = trace.rows[i];
        complete_until(row.at);
        if (!waiting.empty()) {  // time alone can bring a transition (extras.probe_timeout_ms)
            const std::uint64_t seen = transitions;
            breaker.state(row.at);
            if (transitions != seen) {
                release(row.at);
                complete_until(row.at);
            }
        }
        admit(i, row.at);
        if (row.duration == 0) complete_until(row.at);  // completes at once
    }
    while (!pending.empty())
        complete_until(pending.top().end);
    breaker.set_transition_sink(outer);
    return out;
}
std::vector<Decision> replay(const BreakerConfig& config, const Trace& trace) {
    const auto breaker = make_breaker(config);
    return replay(*breaker, trace);
}

// [SECTION] Output -----------------------------------------------------------------------------

std::string format_ms(SimTime t) {
    std::string out = std::to_string(t / kMillisecond);
    SimTime micros = t % kMillisecond;
    if (micros < 0) micros = -micros;
    if (micros != 0) {
        std::string frac = std::to_string(micros + 1000).substr(1);  // 3 digits
        while (frac.back() == '0')
            frac.pop_back();
        out += "." + frac;
    }
    return out;
}

namespace {
const char* decision_name(const Decision& d) {
    if (d.waited && d.released_at < 0) return "waiting";
    if (d.waited) return d.allowed ? "waited_allowed" : "waited_rejected";
    if (d.allowed) return "allowed";
    return d.rejection == Rejection::capacity ? "capacity" : "rejected";
}
}  // namespace

std::string decisions_csv(const Trace& trace, const std::vector<Decision>& decisions) {
    const std::size_t n = std::min(trace.rows.size(), decisions.size());
    bool any_waited = false;
    for (std::size_t i = 0; i < n; ++i)
        any_waited = any_waited || decisions[i].waited;
    std::string out = trace.has_duration ? "t_ms,outcome,decision,state,duration_ms"
                                         : "t_ms,outcome,decision,state";
    out += any_waited ? ",released_ms\n" : "\n";
    for (std::size_t i = 0; i < n; ++i) {
        const TraceRow& row = trace.rows[i];
        const Decision& d = decisions[i];
        out += format_ms(row.at);
        out += ',';
        out += to_string(row.outcome);
        out += ',';
        out += decision_name(d);
        out += ',';
        out += to_string(d.state);
        if (trace.has_duration) {
            out += ',';
            out += format_ms(row.duration);
        }
        if (any_waited) {
            out += ',';
            if (d.waited && d.released_at >= 0) out += format_ms(d.released_at);
        }
        out += '\n';
    }
    return out;
}

}  // namespace cbsim
