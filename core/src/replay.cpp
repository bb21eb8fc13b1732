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
    // Pending completions by (end time, row index): the same instant completes in start order.
    using Pending = std::pair<SimTime, std::size_t>;
    std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending;

    // Every completion and timed transition at or before t, in time order; at one instant the
    // completions come first (their calls were admitted before the timer was armed).
    auto complete_until = [&](SimTime t) {
        while (true) {
            const std::optional<SimTime> due = breaker.next_timed_transition();
            const bool completion = !pending.empty() && pending.top().first <= t &&
                                    (!due || pending.top().first <= *due);
            if (!completion) {
                if (!due || *due > t) return;
                breaker.fire_timers(*due);
                continue;
            }
            const auto [end, i] = pending.top();
            pending.pop();
            breaker.record(permits[i], outcomes[i], durations[i], end);
            out[i].state = breaker.state(end);
            out[i].state_at = end;
        }
    };

    for (std::size_t i = 0; i < trace.rows.size(); ++i) {
        const TraceRow& row = trace.rows[i];
        complete_until(row.at);
        const Admission a = breaker.acquire(row.at);
        out[i].allowed = a.allowed();
        out[i].rejection = a.rejection;
        if (!a.allowed()) {
            out[i].state = breaker.state(row.at);
            out[i].state_at = row.at;
            continue;
        }
        permits[i] = a.permit;
        // The preset's own call timeout cuts a call that lasts as long or longer.
        const SimTime limit = breaker.call_timeout();
        const bool cut = limit > 0 && row.duration >= limit;
        outcomes[i] = cut ? Outcome::timeout : row.outcome;
        durations[i] = cut ? limit : row.duration;
        pending.emplace(row.at + durations[i], i);
        if (durations[i] == 0) complete_until(row.at);  // completes at once
    }
    while (!pending.empty())
        complete_until(pending.top().first);
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

std::string decisions_csv(const Trace& trace, const std::vector<Decision>& decisions) {
    std::string out = trace.has_duration ? "t_ms,outcome,decision,state,duration_ms\n"
                                         : "t_ms,outcome,decision,state\n";
    for (std::size_t i = 0; i < trace.rows.size() && i < decisions.size(); ++i) {
        const TraceRow& row = trace.rows[i];
        out += format_ms(row.at);
        out += ',';
        out += to_string(row.outcome);
        out += decisions[i].allowed                            ? ",allowed,"
               : decisions[i].rejection == Rejection::capacity ? ",capacity,"
                                                               : ",rejected,";
        out += to_string(decisions[i].state);
        if (trace.has_duration) {
            out += ',';
            out += format_ms(row.duration);
        }
        out += '\n';
    }
    return out;
}

}  // namespace cbsim
