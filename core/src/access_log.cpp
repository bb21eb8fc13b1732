// access_log.cpp: the access-log formats, their line parsers, the failure rule and the
// streaming LogReader (cbsim/access_log.hpp). The generator is in access_log_synth.cpp.
//
// [SECTION] format table
// [SECTION] numbers and times
// [SECTION] field map
// [SECTION] failure rule
// [SECTION] templates (nginx, envoy)
// [SECTION] haproxy, json, csv
// [SECTION] LineParser
// [SECTION] LogReader
// [SECTION] trace text
#include "cbsim/access_log.hpp"

#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <queue>
#include <stdexcept>

#include "access_log_detail.hpp"
#include "cbsim/error.hpp"
#include "cbsim/replay.hpp"
#include "cbsim/text.hpp"

namespace cbsim {

// [SECTION] format table

namespace {

constexpr LogFormatInfo kFormats[] = {
    {LogFormat::nginx, "nginx", "nginx `combined` plus $request_time (or --log-format LAYOUT)",
     "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
     "\"$http_referer\" \"$http_user_agent\" $request_time",
     "203.0.113.7 - - [07/Dec/2026:03:00:01 +0000] \"GET /api/orders?page=2 HTTP/1.1\" 200 512 "
     "\"-\" \"curl/7.88.1\" 0.012",
     kSecond},
    {LogFormat::envoy, "envoy", "Envoy's default access-log format",
     "[%START_TIME%] \"%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%\" "
     "%RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% "
     "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% \"%REQ(X-FORWARDED-FOR)%\" \"%REQ(USER-AGENT)%\" "
     "\"%REQ(X-REQUEST-ID)%\" \"%REQ(:AUTHORITY)%\" \"%UPSTREAM_HOST%\"",
     "[2026-12-07T03:00:01.250Z] \"GET /api/orders HTTP/1.1\" 200 - 0 512 12 11 "
     "\"203.0.113.7\" \"curl/7.88.1\" \"3f0c2a4e-1b7d-4c55-9a0e-5d2f6b8c9e01\" "
     "\"api.example.com\" \"10.0.3.7:8080\"",
     kMillisecond},
    {LogFormat::haproxy, "haproxy", "HAProxy `option httplog` (syslog prefix optional)",
     "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc "
     "%sq/%bq %hr %hs %{+Q}r",
     "Dec  7 03:00:01 lb1 haproxy[2201]: 203.0.113.7:51234 [07/Dec/2026:03:00:01.250] "
     "http-in be_api/srv2 0/0/1/11/12 200 512 - - ---- 3/3/0/0/0 0/0 \"GET /api/orders "
     "HTTP/1.1\"",
     kMillisecond},
    {LogFormat::json, "json", "JSON lines, fields named by --field",
     "time=time,status=status,duration=duration_ms,upstream=upstream,route=path",
     "{\"time\":\"2026-12-07T03:00:01.250000Z\",\"method\":\"GET\",\"path\":\"/api/orders\","
     "\"status\":200,\"duration_ms\":12,\"upstream\":\"10.0.3.7:8080\"}",
     kMicrosecond},
    {LogFormat::csv, "csv", "CSV with a header, columns named by --field",
     "time=time,status=status,duration=duration_ms,upstream=upstream,route=path",
     "2026-12-07T03:00:01.250000Z,GET,/api/orders,200,12,10.0.3.7:8080", kMicrosecond},
};

}  // namespace

std::span<const LogFormatInfo> log_formats() {
    return kFormats;
}

const LogFormatInfo* find_log_format(std::string_view name) {
    for (const LogFormatInfo& f : kFormats)
        if (name == f.name) return &f;
    return nullptr;
}

const LogFormatInfo& log_format_info(LogFormat format) {
    return kFormats[static_cast<int>(format)];
}

std::string log_format_names() {
    std::string out;
    for (const LogFormatInfo& f : kFormats) {
        if (!out.empty()) out += ", ";
        out += f.name;
    }
    return out;
}

const char* to_string(SkipReason reason) {
    switch (reason) {
        case SkipReason::format:
            return "not in the format";
        case SkipReason::too_long:
            return "longer than 1 MiB";
        case SkipReason::late:
            return "later than the reorder window";
        case SkipReason::count_:
            break;
    }
    return "?";
}

std::uint64_t LogStats::skipped() const {
    std::uint64_t n = 0;
    for (std::uint64_t c : skipped_by)
        n += c;
    return n;
}

std::string skipped_counts_text(const LogStats& stats) {
    std::string out;
    for (int k = 0; k < static_cast<int>(SkipReason::count_); ++k) {
        if (stats.skipped_by[k] == 0) continue;
        if (!out.empty()) out += ", ";
        out += std::to_string(stats.skipped_by[k]);
        out += ' ';
        out += to_string(static_cast<SkipReason>(k));
    }
    return out;
}

std::string skipped_line_text(const SkippedLine& line) {
    std::string out = printable(line.file, 200) + ':' + std::to_string(line.line) + ": " +
                      to_string(line.reason) + " (" + printable(line.detail, 200) + ")";
    if (!line.text.empty()) out += ": '" + line.text + "'";
    return out;
}

// [SECTION] numbers and times

namespace {
// The longest duration a line may log; above it the line is skipped (it is not a call).
constexpr SimTime kMaxCallDuration = 366LL * 24 * 3600 * kSecond;
}  // namespace

namespace logdetail {

bool parse_int(std::string_view s, std::int64_t& out) {
    if (s.empty() || s.size() > 18) return false;
    bool neg = false;
    std::size_t i = 0;
    if (s[0] == '-' || s[0] == '+') {
        neg = s[0] == '-';
        i = 1;
        if (s.size() == 1) return false;
    }
    std::int64_t v = 0;
    for (; i < s.size(); ++i) {
        const char c = s[i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = neg ? -v : v;
    return true;
}

bool parse_scaled(std::string_view s, FieldUnit unit, SimTime& out) {
    // digits[.digits], >= 0; the value in `unit` as microseconds, finer digits cut.
    std::int64_t mult = 1;  // microseconds per unit
    int shift = 0;          // for ns: divide by 1000
    switch (unit) {
        case FieldUnit::s:
            mult = kSecond;
            break;
        case FieldUnit::ms:
            mult = kMillisecond;
            break;
        case FieldUnit::us:
            mult = 1;
            break;
        case FieldUnit::ns:
            shift = 3;
            break;
        case FieldUnit::iso8601:
            return false;
    }
    std::size_t i = 0;
    std::int64_t whole = 0;
    int int_digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (++int_digits > 19 || whole > (INT64_MAX - 9) / 10) return false;
        whole = whole * 10 + (s[i] - '0');
        ++i;
    }
    if (int_digits == 0) return false;
    std::int64_t frac_us = 0;  // fraction of one unit, in units of 1e-6 of `unit`
    if (i < s.size() && s[i] == '.') {
        ++i;
        int d = 0;
        std::int64_t f = 0;
        const std::size_t start = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            if (d < 6) {
                f = f * 10 + (s[i] - '0');
                ++d;
            }
            ++i;
        }
        if (i == start) return false;
        while (d < 6) {
            f *= 10;
            ++d;
        }
        frac_us = f;  // millionths of the unit
    }
    if (i != s.size()) return false;
    if (shift == 3) {
        out = whole / 1000;
        return true;
    }
    if (whole > ((std::int64_t{1} << 62) / mult)) return false;
    out = whole * mult + frac_us * mult / 1000000;
    return true;
}

bool parse_scaled_exp(std::string_view s, FieldUnit unit, SimTime& out) {
    // digits[.digits] then e|E[+|-]digits: the same decimal with its point moved by the
    // exponent, read by parse_scaled (exact, no floating point, no locale).
    const std::size_t e = s.find_first_of("eE");
    if (e == std::string_view::npos) return parse_scaled(s, unit, out);
    const std::string_view mantissa = s.substr(0, e), exponent = s.substr(e + 1);
    std::int64_t exp = 0;
    if (exponent.empty() || exponent.size() > 6 || !parse_int(exponent, exp)) return false;
    std::string digits;
    std::size_t point = std::string_view::npos;
    for (const char c : mantissa) {
        if (c >= '0' && c <= '9')
            digits += c;
        else if (c == '.' && point == std::string_view::npos)
            point = digits.size();
        else
            return false;
    }
    if (point == std::string_view::npos) point = digits.size();
    if (point == 0 || (point == digits.size() && mantissa.back() == '.')) return false;
    const std::int64_t at = static_cast<std::int64_t>(point) + exp;  // the point's new place
    const auto n = static_cast<std::int64_t>(digits.size());
    if (at > 40) return false;  // far past any time or duration
    std::string text;
    if (at <= -7) {
        text = "0";  // below a millionth of the unit: parse_scaled cuts it to 0 anyway
    } else if (at <= 0) {
        text = "0." + std::string(static_cast<std::size_t>(-at), '0') + digits;
    } else if (at >= n) {
        text = digits + std::string(static_cast<std::size_t>(at - n), '0');
    } else {
        text = digits.substr(0, static_cast<std::size_t>(at)) + "." +
               digits.substr(static_cast<std::size_t>(at));
    }
    return parse_scaled(text, unit, out);
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

namespace {

bool digits(std::string_view s, std::size_t at, std::size_t n, unsigned& out) {
    if (at + n > s.size()) return false;
    unsigned v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + static_cast<unsigned>(s[i] - '0');
    }
    out = v;
    return true;
}

bool valid_date(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned sec) {
    return y >= 1970 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 &&
           mi <= 59 && sec <= 60;
}

SimTime epoch_us(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned sec) {
    const std::int64_t days = days_from_civil(y, mo, d);
    return ((days * 24 + h) * 60 + mi) * 60 * kSecond + static_cast<SimTime>(sec) * kSecond;
}

// ".ddd..." at s[i]: microseconds (finer digits cut); i moves past the digits.
bool fraction(std::string_view s, std::size_t& i, SimTime& us) {
    us = 0;
    if (i >= s.size() || s[i] != '.') return true;
    ++i;
    const std::size_t start = i;
    int n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (n < 6) {
            us = us * 10 + (s[i] - '0');
            ++n;
        }
        ++i;
    }
    if (i == start) return false;
    while (n < 6) {
        us *= 10;
        ++n;
    }
    return true;
}

bool month(std::string_view s, std::size_t at, unsigned& m) {
    if (at + 3 > s.size()) return false;
    for (unsigned i = 0; i < 12; ++i) {
        if (s.compare(at, 3, kMonthNames[i]) == 0) {
            m = i + 1;
            return true;
        }
    }
    return false;
}

// "+hhmm", "+hh:mm", "Z" at s[i] to the end: offset in seconds.
bool zone(std::string_view s, std::size_t i, bool colon, std::int64_t& offset_s) {
    offset_s = 0;
    if (i == s.size()) return false;
    if (s[i] == 'Z' && i + 1 == s.size()) return true;
    if (s[i] != '+' && s[i] != '-') return false;
    unsigned hh = 0, mm = 0;
    const std::size_t mpos = i + 3 + (colon ? 1 : 0);
    if (!digits(s, i + 1, 2, hh) || (colon && (i + 3 >= s.size() || s[i + 3] != ':')) ||
        !digits(s, mpos, 2, mm) || mpos + 2 != s.size() || hh > 23 || mm > 59)
        return false;
    offset_s = static_cast<std::int64_t>(hh * 3600 + mm * 60) * (s[i] == '-' ? -1 : 1);
    return true;
}

}  // namespace

// "10/Oct/2000:13:55:36 -0700" (nginx $time_local, Apache CLF) or, without zone and with a
// fraction, HAProxy's "06/Feb/2009:12:14:14.655" (zone_required false: UTC).
bool parse_clf_time(std::string_view s, bool with_zone, SimTime& out) {
    unsigned d = 0, mo = 0, y = 0, h = 0, mi = 0, sec = 0;
    if (s.size() < 20 || !digits(s, 0, 2, d) || s[2] != '/' || !month(s, 3, mo) || s[6] != '/' ||
        !digits(s, 7, 4, y) || s[11] != ':' || !digits(s, 12, 2, h) || s[14] != ':' ||
        !digits(s, 15, 2, mi) || s[17] != ':' || !digits(s, 18, 2, sec))
        return false;
    if (!valid_date(y, mo, d, h, mi, sec)) return false;
    std::size_t i = 20;
    SimTime frac = 0;
    std::int64_t offset_s = 0;
    if (with_zone) {
        if (i >= s.size() || s[i] != ' ' || !zone(s, i + 1, false, offset_s)) return false;
    } else {
        if (!fraction(s, i, frac) || i != s.size()) return false;
    }
    out = epoch_us(y, mo, d, h, mi, sec) + frac - offset_s * kSecond;
    return true;
}

}  // namespace logdetail

bool parse_iso8601(std::string_view s, SimTime& out) {
    using namespace logdetail;
    unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (s.size() < 20 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) ||
        s[7] != '-' || !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != ' ') ||
        !digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' ||
        !digits(s, 17, 2, sec))
        return false;
    if (!valid_date(y, mo, d, h, mi, sec)) return false;
    std::size_t i = 19;
    SimTime frac = 0;
    std::int64_t offset_s = 0;
    if (!fraction(s, i, frac)) return false;
    if (!zone(s, i, true, offset_s) && !zone(s, i, false, offset_s)) return false;
    out = epoch_us(y, mo, d, h, mi, sec) + frac - offset_s * kSecond;
    return true;
}

std::string format_iso8601(SimTime t) {
    const SimTime secs = t >= 0 ? t / kSecond : (t - kSecond + 1) / kSecond;
    const SimTime us = t - secs * kSecond;
    const std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    const std::int64_t rem = secs - days * 86400;
    std::int64_t y = 0;
    unsigned m = 0, d = 0;
    logdetail::civil_from_days(days, y, m, d);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ",
                  static_cast<long long>(y), m, d, static_cast<long long>(rem / 3600),
                  static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60),
                  static_cast<long long>(us));
    return buf;
}

// [SECTION] field map

namespace {

const char* unit_name(FieldUnit u) {
    switch (u) {
        case FieldUnit::iso8601:
            return "iso";
        case FieldUnit::s:
            return "s";
        case FieldUnit::ms:
            return "ms";
        case FieldUnit::us:
            return "us";
        case FieldUnit::ns:
            return "ns";
    }
    return "?";
}

struct FieldSlot {
    const char* name;
    MappedField FieldMap::*member;
    FieldUnit default_unit;
    bool time_like;  ///< takes iso too
    bool has_unit;
};

constexpr FieldSlot kSlots[] = {
    {"time", &FieldMap::time, FieldUnit::iso8601, true, true},
    {"end", &FieldMap::end, FieldUnit::iso8601, true, true},
    {"duration", &FieldMap::duration, FieldUnit::ms, false, true},
    {"status", &FieldMap::status, FieldUnit::ms, false, false},
    {"upstream", &FieldMap::upstream, FieldUnit::ms, false, false},
    {"route", &FieldMap::route, FieldUnit::ms, false, false},
};

}  // namespace

FieldMap parse_field_map(std::string_view text) {
    FieldMap map;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t comma = text.find(',', pos);
        if (comma == std::string_view::npos) comma = text.size();
        const std::string_view entry = text.substr(pos, comma - pos);
        pos = comma + 1;
        if (entry.empty()) {
            if (comma == text.size()) break;
            continue;
        }
        const std::size_t eq = entry.find('=');
        const std::string_view slot_name = entry.substr(0, eq);
        const FieldSlot* slot = nullptr;
        for (const FieldSlot& s : kSlots)
            if (slot_name == s.name) slot = &s;
        if (slot == nullptr || eq == std::string_view::npos || eq + 1 == entry.size()) {
            throw ConfigError("--field", 0, std::string(entry),
                              "expected NAME=FIELD[:UNIT] with NAME one of time, end, duration, "
                              "status, upstream, route");
        }
        std::string_view field = entry.substr(eq + 1);
        MappedField mapped{std::string(field), slot->default_unit};
        if (const std::size_t colon = field.rfind(':');
            slot->has_unit && colon != std::string_view::npos) {
            const std::string_view unit = field.substr(colon + 1);
            bool found = false;
            for (FieldUnit u :
                 {FieldUnit::iso8601, FieldUnit::s, FieldUnit::ms, FieldUnit::us, FieldUnit::ns}) {
                if (unit == unit_name(u) && (slot->time_like || u != FieldUnit::iso8601)) {
                    mapped.unit = u;
                    found = true;
                }
            }
            if (!found) {
                throw ConfigError(
                    "--field", 0, std::string(entry),
                    "'" + printable(unit) + "' is not a unit; expected " +
                        (slot->time_like ? "iso, s, ms, us or ns" : "s, ms, us or ns"));
            }
            mapped.name = std::string(field.substr(0, colon));
        }
        if (mapped.name.empty()) {
            throw ConfigError("--field", 0, std::string(entry), "the field name is empty");
        }
        map.*(slot->member) = mapped;
    }
    if (map.time.name.empty()) {
        throw ConfigError("--field", 0, "time",
                          "a mapping needs time=FIELD (the call's start), e.g. "
                          "time=ts,status=code,duration=latency_ms");
    }
    if (!map.end.name.empty() && !map.duration.name.empty()) {
        throw ConfigError("--field", 0, "end", "give end or duration, not both");
    }
    return map;
}

std::string field_map_text(const FieldMap& map) {
    std::string out;
    for (const FieldSlot& s : kSlots) {
        const MappedField& f = map.*(s.member);
        if (f.name.empty()) continue;
        if (!out.empty()) out += ',';
        out += s.name;
        out += '=';
        out += f.name;
        if (s.has_unit && f.unit != s.default_unit) {
            out += ':';
            out += unit_name(f.unit);
        }
    }
    return out;
}

// [SECTION] failure rule

struct FailureRule::Node {
    enum Kind { any, all, negate, compare } kind = compare;
    std::vector<std::shared_ptr<const Node>> children;
    bool on_status = true;
    enum Op { ge, gt, le, lt, eq, ne } op = ge;
    std::int64_t value = 0;  ///< status, or duration in microseconds

    bool eval(int status, SimTime duration) const {
        switch (kind) {
            case any:
                for (const auto& c : children)
                    if (c->eval(status, duration)) return true;
                return false;
            case all:
                for (const auto& c : children)
                    if (!c->eval(status, duration)) return false;
                return true;
            case negate:
                return !children[0]->eval(status, duration);
            case compare:
                break;
        }
        const std::int64_t v = on_status ? status : duration;
        if (v < 0) return false;
        switch (op) {
            case ge:
                return v >= value;
            case gt:
                return v > value;
            case le:
                return v <= value;
            case lt:
                return v < value;
            case eq:
                return v == value;
            case ne:
                return v != value;
        }
        return false;
    }
};

namespace {

class RuleParser {
  public:
    explicit RuleParser(std::string_view text) : s_(text) {}

    std::shared_ptr<const FailureRule::Node> parse() {
        auto n = parse_list(0, true);
        skip();
        if (i_ != s_.size()) error("expected '||', '&&' or the end");
        return n;
    }

  private:
    using Node = FailureRule::Node;
    [[noreturn]] void error(const std::string& what) const {
        throw ConfigError("--failure", 0, "",
                          "'" + printable(s_, 200) + "' column " + std::to_string(i_ + 1) + ": " +
                              what +
                              "; the rule is comparisons (status or duration_ms, >= > <= < == "
                              "!=, a number) joined by || and &&, with ! and ( )");
    }
    void skip() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t'))
            ++i_;
    }
    bool eat(std::string_view tok) {
        skip();
        if (s_.substr(i_, tok.size()) == tok) {
            i_ += tok.size();
            return true;
        }
        return false;
    }
    // Terms joined by '||' (any holds; the terms are '&&' lists) or by '&&' (all hold; the
    // terms are unary).
    std::shared_ptr<const Node> parse_list(int depth, bool is_or) {
        const std::string_view op = is_or ? "||" : "&&";
        auto term = [&] { return is_or ? parse_list(depth, false) : parse_unary(depth); };
        auto first = term();
        if (!eat(op)) return first;
        auto n = std::make_shared<Node>();
        n->kind = is_or ? Node::any : Node::all;
        n->children.push_back(first);
        do {
            n->children.push_back(term());
        } while (eat(op));
        return n;
    }
    std::shared_ptr<const Node> parse_unary(int depth) {
        if (depth > 32) error("nested more than 32 deep");
        if (eat("!") && !(i_ < s_.size() && s_[i_] == '=')) {
            auto n = std::make_shared<Node>();
            n->kind = Node::negate;
            n->children.push_back(parse_unary(depth + 1));
            return n;
        }
        if (eat("(")) {
            auto n = parse_list(depth + 1, true);
            if (!eat(")")) error("expected ')'");
            return n;
        }
        auto n = std::make_shared<Node>();
        if (eat("status")) {
            n->on_status = true;
        } else if (eat("duration_ms")) {
            n->on_status = false;
        } else {
            error("expected status, duration_ms, '!' or '('");
        }
        if (eat(">="))
            n->op = Node::ge;
        else if (eat("<="))
            n->op = Node::le;
        else if (eat("=="))
            n->op = Node::eq;
        else if (eat("!="))
            n->op = Node::ne;
        else if (eat(">"))
            n->op = Node::gt;
        else if (eat("<"))
            n->op = Node::lt;
        else
            error("expected >=, >, <=, <, == or !=");
        skip();
        std::size_t end = i_;
        while (end < s_.size() && ((s_[end] >= '0' && s_[end] <= '9') || s_[end] == '.'))
            ++end;
        const std::string_view num = s_.substr(i_, end - i_);
        SimTime v = 0;
        if (n->on_status) {
            std::int64_t status = 0;
            if (!logdetail::parse_int(num, status) || status > 999)
                error("expected a status 0..999");
            v = status;
        } else if (!logdetail::parse_scaled(num, FieldUnit::ms, v)) {
            error("expected milliseconds >= 0");
        }
        n->value = v;
        i_ = end;
        return n;
    }

    std::string_view s_;
    std::size_t i_ = 0;
};

}  // namespace

FailureRule::FailureRule(std::string text, std::shared_ptr<const Node> root)
    : root_(std::move(root)), text_(std::move(text)) {}

FailureRule::FailureRule() : FailureRule(parse(kDefaultFailureRule)) {}

FailureRule FailureRule::parse(std::string_view text) {
    return FailureRule(std::string(text), RuleParser(text).parse());
}

bool FailureRule::failed(int status, SimTime duration) const {
    return root_->eval(status, duration);
}

// [SECTION] templates (nginx, envoy)

namespace logdetail {

namespace {

struct VarName {
    const char* name;
    Field field;
};

constexpr VarName kNginxVars[] = {
    {"time_local", Field::time_clf},    {"time_iso8601", Field::time_iso},
    {"msec", Field::time_epoch_s},      {"request_time", Field::duration_s},
    {"status", Field::status},          {"request", Field::request},
    {"request_uri", Field::route},      {"uri", Field::route},
    {"upstream_addr", Field::upstream},
};

constexpr VarName kEnvoyVars[] = {
    {"START_TIME", Field::time_iso},
    {"DURATION", Field::duration_ms},
    {"RESPONSE_CODE", Field::status},
    {"UPSTREAM_HOST", Field::upstream},
    {"REQ(X-ENVOY-ORIGINAL-PATH?:PATH)", Field::route},
    {"REQ(:PATH)", Field::route},
};

}  // namespace

Template compile_template(LogFormat format, std::string_view layout) {
    Template t;
    const bool nginx = format == LogFormat::nginx;
    std::string literal;
    std::size_t i = 0;
    auto add_var = [&](std::string name) {
        if (!t.items.empty() && literal.empty()) {
            throw ConfigError("--log-format", 0, name,
                              "follows another variable with nothing between them; the two "
                              "cannot be told apart");
        }
        TemplateItem item;
        item.literal = std::move(literal);
        literal.clear();
        item.name = std::move(name);
        for (const VarName& v :
             nginx ? std::span<const VarName>(kNginxVars) : std::span<const VarName>(kEnvoyVars))
            if (item.name == v.name) item.field = v.field;
        t.items.push_back(std::move(item));
    };
    while (i < layout.size()) {
        const char c = layout[i];
        if (nginx && c == '$') {
            std::size_t j = i + 1;
            const bool braced = j < layout.size() && layout[j] == '{';
            if (braced) ++j;
            const std::size_t start = j;
            while (j < layout.size() &&
                   (std::isalnum(static_cast<unsigned char>(layout[j])) || layout[j] == '_'))
                ++j;
            if (j == start) {
                throw ConfigError(
                    "--log-format", 0, "",
                    "'$' at byte " + std::to_string(i + 1) + " is not followed by a variable name");
            }
            std::string name(layout.substr(start, j - start));
            if (braced) {
                if (j >= layout.size() || layout[j] != '}')
                    throw ConfigError("--log-format", 0, name, "expected '}'");
                ++j;
            }
            add_var(std::move(name));
            i = j;
        } else if (!nginx && c == '%') {
            const std::size_t close = layout.find('%', i + 1);
            if (close == std::string_view::npos) {
                throw ConfigError("--log-format", 0, "",
                                  "'%' at byte " + std::to_string(i + 1) + " is not closed");
            }
            if (close == i + 1) {
                literal += '%';
            } else {
                add_var(std::string(layout.substr(i + 1, close - i - 1)));
            }
            i = close + 1;
        } else {
            literal += c;
            ++i;
        }
    }
    t.tail = std::move(literal);
    for (std::size_t k = 0; k < t.items.size(); ++k) {
        const Field f = t.items[k].field;
        if (f == Field::time_clf || f == Field::time_iso || f == Field::time_epoch_s) {
            t.time = static_cast<int>(k);
        } else if (f == Field::duration_s || f == Field::duration_ms) {
            t.duration = static_cast<int>(k);
        } else if (f == Field::status) {
            t.status = static_cast<int>(k);
        } else if (f == Field::upstream) {
            t.upstream = static_cast<int>(k);
        } else if (f == Field::route || (f == Field::request && t.route < 0)) {
            t.route = static_cast<int>(k);
        }
    }
    if (t.time < 0) {
        throw ConfigError("--log-format", 0, "",
                          nginx ? "the layout has no time; expected $time_local, $time_iso8601 "
                                  "or $msec"
                                : "the layout has no %START_TIME%");
    }
    t.end_stamped = nginx;
    return t;
}

bool match_template(const Template& t, std::string_view line, std::string_view* values) {
    std::size_t pos = 0;
    const std::size_t n = t.items.size();
    for (std::size_t k = 0; k < n; ++k) {
        const TemplateItem& item = t.items[k];
        if (line.compare(pos, item.literal.size(), item.literal) != 0) return false;
        pos += item.literal.size();
        const std::string& next = k + 1 < n ? t.items[k + 1].literal : t.tail;
        std::size_t end;
        if (next.empty()) {
            end = line.size();
        } else if (next.size() == 1) {
            const void* p = std::memchr(line.data() + pos, next[0], line.size() - pos);
            if (p == nullptr) return false;
            end = static_cast<std::size_t>(static_cast<const char*>(p) - line.data());
        } else {
            end = line.find(next, pos);
            if (end == std::string_view::npos) return false;
        }
        values[k] = line.substr(pos, end - pos);
        pos = end;
    }
    if (n == 0 || t.tail.empty()) return pos == line.size() || n > 0;
    return line.compare(pos, std::string_view::npos, t.tail) == 0;
}

std::string_view request_path(std::string_view request) {
    // "GET /a/b?x=1 HTTP/1.1" -> "/a/b"
    std::size_t sp = request.find(' ');
    std::string_view rest = sp == std::string_view::npos ? request : request.substr(sp + 1);
    const std::size_t end = rest.find_first_of(" ?");
    return rest.substr(0, end);
}

}  // namespace logdetail

// [SECTION] haproxy, json, csv

namespace logdetail {

namespace {

std::string_view next_token(std::string_view s, std::size_t& pos) {
    while (pos < s.size() && s[pos] == ' ')
        ++pos;
    const std::size_t start = pos;
    while (pos < s.size() && s[pos] != ' ')
        ++pos;
    return s.substr(start, pos - start);
}

}  // namespace

bool parse_haproxy(std::string_view line, Fields& out, std::string& why) {
    // Find the accept date "[dd/Mon/yyyy:hh:mm:ss.mmm]" after the client "ip:port".
    std::size_t open = 0;
    for (;;) {
        open = line.find(" [", open);
        if (open == std::string_view::npos) {
            why = "no accept date [dd/Mon/yyyy:hh:mm:ss.mmm]";
            return false;
        }
        if (open + 4 < line.size() && line[open + 2] >= '0' && line[open + 2] <= '9' &&
            line[open + 4] == '/')
            break;
        open += 2;
    }
    const std::size_t close = line.find(']', open);
    if (close == std::string_view::npos) {
        why = "accept date not closed";
        return false;
    }
    if (!parse_clf_time(line.substr(open + 2, close - open - 2), false, out.time)) {
        why = "accept date is not dd/Mon/yyyy:hh:mm:ss.mmm";
        return false;
    }
    std::size_t pos = close + 1;
    next_token(line, pos);  // frontend
    const std::string_view backend_server = next_token(line, pos);
    const std::string_view timers = next_token(line, pos);
    const std::string_view status = next_token(line, pos);
    if (backend_server.find('/') == std::string_view::npos) {
        why = "expected backend/server after the frontend";
        return false;
    }
    const std::size_t last_slash = timers.rfind('/');
    if (std::count(timers.begin(), timers.end(), '/') != 4) {
        why = "expected five timers TR/Tw/Tc/Tr/Ta";
        return false;
    }
    std::string_view total = timers.substr(last_slash + 1);
    if (!total.empty() && total[0] == '+') total.remove_prefix(1);
    std::int64_t ms = 0;
    if (!parse_int(total, ms)) {
        why = "the total time is not a number of ms";
        return false;
    }
    if (ms > kMaxCallDuration / kMillisecond) {
        why = "a duration above a year";
        return false;
    }
    out.duration = ms < 0 ? -1 : ms * kMillisecond;
    std::int64_t st = 0;
    if (!parse_int(status, st) || st > 999) {
        why = "the status is not a number";
        return false;
    }
    out.status = st < 0 ? -1 : static_cast<int>(st);
    out.upstream = backend_server;
    const std::size_t q = line.find('"', pos);
    if (q != std::string_view::npos) {
        const std::size_t q2 = line.find('"', q + 1);
        out.route = request_path(
            line.substr(q + 1, (q2 == std::string_view::npos ? line.size() : q2) - q - 1));
    }
    return true;
}

namespace {

// A tiny JSON reader: walks one object and reports the scalars at the wanted dotted paths.
class JsonWalker {
  public:
    JsonWalker(std::string_view s, std::span<const std::string* const> wanted,
               std::string_view* values, std::string* scratch)
        : s_(s), wanted_(wanted), values_(values), scratch_(scratch) {}

    bool run() {
        ws();
        if (!object(0)) return false;
        ws();
        return i_ == s_.size();
    }

  private:
    void ws() {
        while (i_ < s_.size() &&
               (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r' || s_[i_] == '\n'))
            ++i_;
    }
    // A string at s_[i_] == '"': raw contents in `raw`, true when it had escapes.
    bool string(std::string_view& raw, bool& escaped) {
        ++i_;
        const std::size_t start = i_;
        escaped = false;
        while (i_ < s_.size() && s_[i_] != '"') {
            if (static_cast<unsigned char>(s_[i_]) < 0x20) return false;
            if (s_[i_] == '\\') {
                escaped = true;
                ++i_;
            }
            ++i_;
        }
        if (i_ >= s_.size()) return false;
        raw = s_.substr(start, i_ - start);
        ++i_;
        return true;
    }
    void deliver(std::string_view value, bool escaped) {
        for (std::size_t w = 0; w < wanted_.size(); ++w) {
            if (wanted_[w] == nullptr || *wanted_[w] != path_) continue;
            if (!escaped) {
                values_[w] = value;
                continue;
            }
            std::string& out = scratch_[w];
            out.clear();
            for (std::size_t k = 0; k < value.size(); ++k) {
                char c = value[k];
                if (c == '\\' && k + 1 < value.size()) {
                    c = value[++k];
                    if (c == 'n')
                        c = '\n';
                    else if (c == 't')
                        c = '\t';
                    else if (c == 'u') {  // kept as '?': keys only need to be told apart
                        k = std::min(k + 4, value.size() - 1);
                        c = '?';
                    }
                }
                out += c;
            }
            values_[w] = out;
        }
    }
    bool value(int depth) {
        if (i_ >= s_.size()) return false;
        const char c = s_[i_];
        if (c == '{') return object(depth + 1);
        if (c == '[') {
            ++i_;
            ws();
            if (i_ < s_.size() && s_[i_] == ']') {
                ++i_;
                return true;
            }
            const std::size_t saved = path_.size();
            path_ += "[]";  // nothing inside an array is ever wanted
            for (;;) {
                ws();
                if (depth > 32 || !value(depth + 1)) return false;
                ws();
                if (i_ < s_.size() && s_[i_] == ',') {
                    ++i_;
                    continue;
                }
                if (i_ < s_.size() && s_[i_] == ']') {
                    ++i_;
                    path_.resize(saved);
                    return true;
                }
                return false;
            }
        }
        if (c == '"') {
            std::string_view raw;
            bool escaped = false;
            if (!string(raw, escaped)) return false;
            deliver(raw, escaped);
            return true;
        }
        const std::size_t start = i_;
        while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']' && s_[i_] != ' ' &&
               s_[i_] != '\t' && s_[i_] != '\r')
            ++i_;
        if (i_ == start) return false;
        const std::string_view raw = s_.substr(start, i_ - start);
        const char f = raw[0];
        if (!(f == '-' || (f >= '0' && f <= '9') || raw == "true" || raw == "false" ||
              raw == "null"))
            return false;
        deliver(raw, false);
        return true;
    }
    bool object(int depth) {
        if (depth > 32 || i_ >= s_.size() || s_[i_] != '{') return false;
        ++i_;
        ws();
        if (i_ < s_.size() && s_[i_] == '}') {
            ++i_;
            return true;
        }
        for (;;) {
            ws();
            if (i_ >= s_.size() || s_[i_] != '"') return false;
            std::string_view key;
            bool escaped = false;
            if (!string(key, escaped)) return false;
            ws();
            if (i_ >= s_.size() || s_[i_] != ':') return false;
            ++i_;
            ws();
            const std::size_t saved = path_.size();
            if (!path_.empty()) path_ += '.';
            path_ += key;
            if (!value(depth)) return false;
            path_.resize(saved);
            ws();
            if (i_ < s_.size() && s_[i_] == ',') {
                ++i_;
                continue;
            }
            if (i_ < s_.size() && s_[i_] == '}') {
                ++i_;
                return true;
            }
            return false;
        }
    }

    std::string_view s_;
    std::span<const std::string* const> wanted_;
    std::string_view* values_;
    std::string* scratch_;
    std::string path_;
    std::size_t i_ = 0;
};

}  // namespace

bool parse_json_fields(std::string_view line, std::span<const std::string* const> wanted,
                       std::string_view* values, std::string* scratch) {
    JsonWalker walker(line, wanted, values, scratch);
    return walker.run();
}

bool split_csv(std::string_view line, std::vector<std::string_view>& fields,
               std::deque<std::string>& unquoted) {
    fields.clear();
    std::size_t pos = 0;
    std::size_t quoted = 0;
    for (;;) {
        if (pos < line.size() && line[pos] == '"') {
            if (quoted >= unquoted.size()) unquoted.emplace_back();
            std::string& out = unquoted[quoted++];
            out.clear();
            std::size_t i = pos + 1;
            for (;;) {
                if (i >= line.size()) return false;
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        out += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                out += line[i++];
            }
            fields.push_back(out);
            if (i == line.size()) return true;
            if (line[i] != ',') return false;
            pos = i + 1;
            continue;
        }
        const std::size_t comma = line.find(',', pos);
        if (comma == std::string_view::npos) {
            fields.push_back(line.substr(pos));
            return true;
        }
        fields.push_back(line.substr(pos, comma - pos));
        pos = comma + 1;
    }
}

}  // namespace logdetail

// [SECTION] LineParser

using logdetail::Field;

struct LineParser::Impl {
    LogOptions options;
    logdetail::Template tmpl;
    // json/csv: the wanted fields in slot order time, end, duration, status, key
    FieldMap fields;
    std::string key_name;  ///< json/csv key field, or nginx/envoy variable
    int key_item = -1;     ///< template item of the key
    std::array<const std::string*, 5> wanted{};
    std::array<int, 5> columns{-1, -1, -1, -1, -1};  ///< csv
    bool header_seen = false;
    mutable std::vector<std::string_view> values;
    mutable std::array<std::string, 5> scratch;
    mutable std::vector<std::string_view> csv_fields;
    mutable std::deque<std::string> csv_unquoted;  // a deque: the fields view into it
    // nginx $time_local of the previous line, to skip parsing the same second again
    mutable std::string last_clf;
    mutable SimTime last_clf_time = 0;

    explicit Impl(const LogOptions& o) : options(o) {
        const LogFormatInfo& info = log_format_info(o.format);
        switch (o.format) {
            case LogFormat::nginx:
            case LogFormat::envoy: {
                tmpl = logdetail::compile_template(o.format, o.log_format.empty()
                                                                 ? std::string_view(info.layout)
                                                                 : std::string_view(o.log_format));
                values.resize(tmpl.items.size());
                if (o.key == KeyKind::upstream) key_item = tmpl.upstream;
                if (o.key == KeyKind::route) key_item = tmpl.route;
                if (o.key == KeyKind::field) {
                    std::string want = o.key_field;
                    if (!want.empty() && (want[0] == '$' || want[0] == '%')) want.erase(0, 1);
                    if (!want.empty() && want.back() == '%') want.pop_back();
                    for (std::size_t k = 0; k < tmpl.items.size(); ++k)
                        if (tmpl.items[k].name == want) key_item = static_cast<int>(k);
                }
                if (o.key != KeyKind::none && key_item < 0) no_key();
                break;
            }
            case LogFormat::haproxy:
                if (!o.log_format.empty()) {
                    throw ConfigError("--log-format", 0, "",
                                      "haproxy reads the httplog layout only; --log-format is "
                                      "for nginx and envoy");
                }
                if (o.key == KeyKind::field) no_key();
                break;
            case LogFormat::json:
            case LogFormat::csv: {
                if (!o.log_format.empty()) {
                    throw ConfigError("--log-format", 0, "",
                                      "json and csv name their fields with --field; "
                                      "--log-format is for nginx and envoy");
                }
                fields = o.fields.time.name.empty() ? parse_field_map(info.layout) : o.fields;
                if (o.key == KeyKind::upstream) key_name = fields.upstream.name;
                if (o.key == KeyKind::route) key_name = fields.route.name;
                if (o.key == KeyKind::field) key_name = o.key_field;
                if (o.key != KeyKind::none && key_name.empty()) no_key();
                wanted = {&fields.time.name, fields.end.name.empty() ? nullptr : &fields.end.name,
                          fields.duration.name.empty() ? nullptr : &fields.duration.name,
                          fields.status.name.empty() ? nullptr : &fields.status.name,
                          key_name.empty() ? nullptr : &key_name};
                values.resize(5);
                break;
            }
        }
    }

    [[noreturn]] void no_key() const {
        const char* what = options.key == KeyKind::upstream ? "upstream"
                           : options.key == KeyKind::route  ? "route"
                                                            : options.key_field.c_str();
        throw ConfigError("--key", 0, what,
                          std::string("the ") + log_format_info(options.format).name +
                              " layout has no such field" +
                              (options.format == LogFormat::json || options.format == LogFormat::csv
                                   ? "; map it with --field upstream=FIELD or route=FIELD, or "
                                     "name the field"
                                   : ""));
    }

    bool time_value(Field f, std::string_view v, SimTime& out) const {
        switch (f) {
            case Field::time_clf:
                if (v.size() == last_clf.size() && v == last_clf) {
                    out = last_clf_time;
                    return true;
                }
                if (!logdetail::parse_clf_time(v, true, out)) return false;
                last_clf.assign(v);
                last_clf_time = out;
                return true;
            case Field::time_iso:
                return parse_iso8601(v, out);
            case Field::time_epoch_s:
                return logdetail::parse_scaled(v, FieldUnit::s, out);
            default:
                return false;
        }
    }

    bool parse(std::string_view line, LogRecord& r, std::string& why) const {
        r.status = -1;
        r.duration = -1;
        r.key.clear();
        switch (options.format) {
            case LogFormat::nginx:
            case LogFormat::envoy:
                return parse_template(line, r, why);
            case LogFormat::haproxy: {
                logdetail::Fields f;
                if (!logdetail::parse_haproxy(line, f, why)) return false;
                r.at = f.time;
                r.duration = f.duration;
                r.status = f.status;
                if (options.key == KeyKind::upstream) r.key.assign(f.upstream);
                if (options.key == KeyKind::route) r.key.assign(f.route);
                return true;
            }
            case LogFormat::json:
            case LogFormat::csv:
                return parse_mapped(line, r, why);
        }
        return false;
    }

    bool parse_template(std::string_view line, LogRecord& r, std::string& why) const {
        if (!logdetail::match_template(tmpl, line, values.data())) {
            why = std::string("does not match the ") + log_format_info(options.format).name +
                  " layout";
            return false;
        }
        const auto& items = tmpl.items;
        if (!time_value(items[logdetail::idx(tmpl.time)].field, values[logdetail::idx(tmpl.time)],
                        r.at)) {
            why = "'" + printable(values[logdetail::idx(tmpl.time)]) + "' is not a " +
                  items[logdetail::idx(tmpl.time)].name;
            return false;
        }
        if (tmpl.duration >= 0) {
            const std::string_view v = values[logdetail::idx(tmpl.duration)];
            const FieldUnit unit = items[logdetail::idx(tmpl.duration)].field == Field::duration_s
                                       ? FieldUnit::s
                                       : FieldUnit::ms;
            if (v != "-" && !logdetail::parse_scaled(v, unit, r.duration)) {
                why =
                    "'" + printable(v) + "' is not a " + items[logdetail::idx(tmpl.duration)].name;
                return false;
            }
            if (tmpl.end_stamped && r.duration > 0) r.at -= r.duration;
        }
        if (tmpl.status >= 0) {
            const std::string_view v = values[logdetail::idx(tmpl.status)];
            std::int64_t s = 0;
            if (v != "-" && (!logdetail::parse_int(v, s) || s < 0 || s > 999)) {
                why = "'" + printable(v) + "' is not a status";
                return false;
            }
            if (v != "-") r.status = static_cast<int>(s);
        }
        if (key_item >= 0) {
            std::string_view v = values[logdetail::idx(key_item)];
            if (items[logdetail::idx(key_item)].field == Field::request)
                v = logdetail::request_path(v);
            r.key.assign(v);
        }
        return true;
    }

    bool mapped_time(const MappedField& f, std::string_view v, SimTime& out) const {
        if (f.unit == FieldUnit::iso8601) return parse_iso8601(v, out);
        return logdetail::parse_scaled_exp(v, f.unit, out);
    }

    bool parse_mapped(std::string_view line, LogRecord& r, std::string& why) const {
        std::fill(values.begin(), values.end(), std::string_view());
        std::array<bool, 5> present{};
        if (options.format == LogFormat::json) {
            const std::size_t n = values.size();
            std::array<std::string_view, 5> got{};
            std::array<const std::string*, 5> w = wanted;
            static const std::string kNone = "\x01";
            for (auto& p : w)
                if (p == nullptr) p = &kNone;
            if (!logdetail::parse_json_fields(line, w, got.data(), scratch.data())) {
                why = "not a JSON object";
                return false;
            }
            for (std::size_t k = 0; k < n; ++k) {
                values[k] = got[k];
                present[k] = got[k].data() != nullptr;
            }
        } else {
            if (!header_seen) {
                why = "no header line";
                return false;
            }
            if (!logdetail::split_csv(line, csv_fields, csv_unquoted)) {
                why = "an unterminated quoted field";
                return false;
            }
            for (std::size_t k = 0; k < 5; ++k) {
                if (columns[k] < 0) continue;
                if (static_cast<std::size_t>(columns[k]) >= csv_fields.size()) {
                    why = "has " + std::to_string(csv_fields.size()) + " fields, fewer than the " +
                          "header";
                    return false;
                }
                values[k] = csv_fields[logdetail::idx(columns[k])];
                present[k] = true;
            }
        }
        if (!present[0] || !mapped_time(fields.time, values[0], r.at)) {
            why = present[0]
                      ? "'" + printable(values[0]) + "' in " + fields.time.name +
                            " is not a time (" +
                            (fields.time.unit == FieldUnit::iso8601 ? "ISO 8601" : "a number") + ")"
                      : "no field " + fields.time.name;
            return false;
        }
        if (present[1] && !values[1].empty() && values[1] != "null") {
            SimTime end = 0;
            if (!mapped_time(fields.end, values[1], end) || end < r.at) {
                why = "'" + printable(values[1]) + "' in " + fields.end.name +
                      " is not an end time at or after the start";
                return false;
            }
            r.duration = end - r.at;
        }
        if (present[2] && !values[2].empty() && values[2] != "null") {
            if (!logdetail::parse_scaled_exp(values[2], fields.duration.unit, r.duration)) {
                why = "'" + printable(values[2]) + "' in " + fields.duration.name +
                      " is not a duration";
                return false;
            }
        }
        if (present[3] && !values[3].empty() && values[3] != "null") {
            std::int64_t s = 0;
            if (!logdetail::parse_int(values[3], s) || s < 0 || s > 999) {
                why =
                    "'" + printable(values[3]) + "' in " + fields.status.name + " is not a status";
                return false;
            }
            r.status = static_cast<int>(s);
        }
        if (present[4]) r.key.assign(values[4]);
        return true;
    }

    void header(std::string_view line, const std::string& file) {
        if (!logdetail::split_csv(line, csv_fields, csv_unquoted)) {
            throw ConfigError(file, 1, "header", "an unterminated quoted field");
        }
        for (std::size_t k = 0; k < 5; ++k) {
            columns[k] = -1;
            if (wanted[k] == nullptr) continue;
            for (std::size_t c = 0; c < csv_fields.size(); ++c)
                if (csv_fields[c] == *wanted[k]) columns[k] = static_cast<int>(c);
            if (columns[k] < 0) {
                throw ConfigError(file, 1, *wanted[k],
                                  "no such column in the header '" + printable(line, 200) +
                                      "'; --field maps " + field_map_text(fields));
            }
        }
        header_seen = true;
    }
};

LineParser::LineParser(const LogOptions& options) : impl_(std::make_unique<Impl>(options)) {}
LineParser::~LineParser() = default;
LineParser::LineParser(LineParser&&) noexcept = default;
LineParser& LineParser::operator=(LineParser&&) noexcept = default;

void LineParser::header(std::string_view line, const std::string& file) {
    impl_->header(line, file);
}
bool LineParser::has_header() const {
    return impl_->header_seen;
}
bool LineParser::needs_header() const {
    return impl_->options.format == LogFormat::csv;
}

bool LineParser::parse(std::string_view line, LogRecord& out, std::string& why) const {
    if (!impl_->parse(line, out, why)) return false;
    // Times before 1970 or past 9999 are refused by the parsers; a start computed from an end
    // (the logged end less the duration) is checked here. Durations above a year are not calls.
    if (out.duration > kMaxCallDuration) {
        why = "a duration above a year";
        return false;
    }
    constexpr SimTime kYear10000 = 253402300800LL * kSecond;  // 10000-01-01T00:00:00Z
    if (out.at < 0 || out.at >= kYear10000) {
        why = "the call's start (its logged end less its duration) is before 1970 or after 9999";
        return false;
    }
    const LogOptions& o = impl_->options;
    if (o.timeout >= 0 && out.duration > o.timeout)
        out.outcome = Outcome::timeout;
    else if (o.failure.failed(out.status, out.duration))
        out.outcome = Outcome::failure;
    else
        out.outcome = Outcome::success;
    return true;
}

SimTime LineParser::logged(const LogRecord& r) const {
    if (impl_->tmpl.end_stamped && impl_->options.format == LogFormat::nginx && r.duration > 0)
        return r.at + r.duration;
    return r.at;
}

// [SECTION] LogReader

namespace {

constexpr std::size_t kChunk = 1 << 20;  // read size and longest line

struct Source {
    std::string path;
    gzFile gz = nullptr;
    std::vector<char> buf;
    std::size_t begin = 0, end = 0;
    bool eof = false;
    bool done = false;
    std::uint64_t line_no = 0;
    std::uint64_t parsed = 0;
    std::uint64_t first_bad_no = 0;
    std::string first_bad;
    std::string first_bad_why;
    SimTime watermark = 0;
    bool any = false;
    SimTime first_at = 0;
    int rank = 0;
    LineParser* parser = nullptr;

    ~Source() {
        if (gz != nullptr) gzclose(gz);
    }

    void open() {
        struct stat st {};
        if (stat(path.c_str(), &st) == 0) {
            if (S_ISDIR(st.st_mode))
                throw ConfigError(path, 0, "", "cannot read the file: it is a directory");
            if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
                throw ConfigError(path, 0, "", "cannot read the file: it is a device");
        }
        errno = 0;
        gz = gzopen(path.c_str(), "rb");
        if (gz == nullptr) {
            throw ConfigError(path, 0, "",
                              std::string("cannot read the file: ") +
                                  (errno != 0 ? std::strerror(errno) : "out of memory"));
        }
        gzbuffer(gz, 256 * 1024);
        buf.resize(kChunk * 2);
    }

    void rewind() {
        if (gzrewind(gz) != 0) {
            throw ConfigError(path, 0, "",
                              "cannot read the file twice (a pipe?); several logs are ranked by "
                              "their first line, so give them as files");
        }
        begin = end = 0;
        eof = false;
        line_no = 0;
    }

    // The next line (without "\n" or "\r\n"); false at the end. `too_long` for a line that
    // did not fit a chunk (its text is cut).
    bool next_line(std::string_view& line, bool& too_long) {
        too_long = false;
        for (;;) {
            const char* nl =
                static_cast<const char*>(std::memchr(buf.data() + begin, '\n', end - begin));
            if (nl != nullptr || (eof && begin < end)) {
                const std::size_t stop =
                    nl != nullptr ? static_cast<std::size_t>(nl - buf.data()) : end;
                line = std::string_view(buf.data() + begin, stop - begin);
                begin = nl != nullptr ? stop + 1 : end;
                if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
                ++line_no;
                return true;
            }
            if (eof) return false;
            if (end - begin >= kChunk) {
                // A line longer than a chunk: skip to its end.
                too_long = true;
                line = std::string_view(buf.data() + begin, 120);
                std::string head(line);
                for (;;) {
                    const int n = gzread(gz, buf.data(), static_cast<unsigned>(kChunk));
                    if (n < 0) read_error();
                    if (n == 0) {
                        check_complete();
                        begin = end = 0;
                        eof = true;
                        break;
                    }
                    const char* p = static_cast<const char*>(
                        std::memchr(buf.data(), '\n', static_cast<std::size_t>(n)));
                    if (p != nullptr) {
                        begin = static_cast<std::size_t>(p - buf.data()) + 1;
                        end = static_cast<std::size_t>(n);
                        break;
                    }
                }
                long_head = std::move(head);
                line = long_head;
                ++line_no;
                return true;
            }
            if (begin > 0) {
                std::memmove(buf.data(), buf.data() + begin, end - begin);
                end -= begin;
                begin = 0;
            }
            const int n = gzread(gz, buf.data() + end, static_cast<unsigned>(buf.size() - end));
            if (n < 0) read_error();
            if (n == 0) {
                check_complete();
                eof = true;
            }
            end += static_cast<std::size_t>(n);
        }
    }

    // At the end of the data: a gzip stream that stopped before its end (a truncated or
    // partly copied .gz) reads as a clean end of file, with gzerror Z_BUF_ERROR; it is an
    // error like a corrupt one, not a shorter log.
    void check_complete() {
        int code = Z_OK;
        gzerror(gz, &code);
        if (code == Z_BUF_ERROR) {
            throw ConfigError(path, 0, "",
                              "cannot read the file: the gzip data ends early (the file is "
                              "truncated)");
        }
    }

    [[noreturn]] void read_error() {
        int code = 0;
        const char* msg = gzerror(gz, &code);
        if (code == Z_ERRNO) msg = std::strerror(errno);
        throw ConfigError(path, static_cast<int>(line_no + 1), "",
                          std::string("cannot read the file: ") + msg);
    }

    std::string long_head;
};

struct Pending {
    LogRecord record;
    int rank;
};

struct Later {
    bool operator()(const Pending& a, const Pending& b) const {
        if (a.record.at != b.record.at) return a.record.at > b.record.at;
        if (a.rank != b.rank) return a.rank > b.rank;
        return a.record.line > b.record.line;
    }
};

bool blank(std::string_view line) {
    return line.find_first_not_of(" \t") == std::string_view::npos;
}

}  // namespace

struct LogReader::Impl {
    LogOptions options;
    std::vector<std::unique_ptr<Source>> sources;  // rank order
    std::vector<LineParser> parsers;               // one per source (csv headers differ)
    std::vector<std::string> names;
    std::priority_queue<Pending, std::vector<Pending>, Later> heap;
    LogStats stats;
    bool released_any = false;
    SimTime last_released = 0;
    LogRecord scratch;
    std::string why;

    // A file given twice, under any name (a link, "./x", another path to it), would be read
    // twice and its calls doubled: refused, naming it. Files are compared by device and inode;
    // one that cannot be stat'ed is left to open() to report.
    static void refuse_repeats(const std::vector<std::string>& files) {
        std::vector<std::pair<dev_t, ino_t>> ids(files.size());
        std::vector<bool> known(files.size(), false);
        for (std::size_t i = 0; i < files.size(); ++i) {
            struct stat st {};
            if (stat(files[i].c_str(), &st) != 0) continue;
            ids[i] = {st.st_dev, st.st_ino};
            known[i] = true;
            for (std::size_t j = 0; j < i; ++j) {
                if (!known[j] || ids[j] != ids[i]) continue;
                throw ConfigError(
                    files[i], 0, "",
                    (files[j] == files[i]
                         ? std::string("given twice")
                         : "the same file as " + printable(files[j], 200) + ", given twice") +
                        "; give each log once (it would be read twice)");
            }
        }
    }

    // A file that ended without a record: empty, blank or a header only, or no line parsed.
    [[noreturn]] void no_record(const Source& s) const {
        if (s.first_bad_no == 0) {
            if (s.line_no == 0) throw ConfigError(s.path, 0, "", "the file is empty");
            throw ConfigError(s.path, 0, "", "the file has no call lines");
        }
        unmatched(s);
    }

    [[noreturn]] void unmatched(const Source& s) const {
        throw ConfigError(s.path, static_cast<int>(s.first_bad_no), "",
                          std::string("no line is in the ") + log_format_info(options.format).name +
                              " format (" + s.first_bad_why + "); first line: '" + s.first_bad +
                              "'");
    }

    void skip(Source& s, SkipReason reason, std::string_view line, const std::string& detail) {
        ++stats.skipped_by[static_cast<int>(reason)];
        if (stats.first_skipped.size() < 5)
            stats.first_skipped.push_back(
                {s.path, s.line_no, reason, detail, printable(line, 120)});
    }

    // Reads one line of `s`; a parsed one goes to `out` (true).
    bool read_one(Source& s, LineParser& parser, LogRecord& out, bool counting) {
        std::string_view line;
        bool too_long = false;
        for (;;) {
            if (!s.next_line(line, too_long)) {
                s.done = true;
                return false;
            }
            if (blank(line) && !too_long) continue;
            if (parser.needs_header() && !parser.has_header()) {
                std::string_view h = line;
                if (h.substr(0, 3) == "\xEF\xBB\xBF") h.remove_prefix(3);
                parser.header(h, s.path);
                continue;
            }
            break;
        }
        if (counting) ++stats.lines;
        if (too_long) {
            if (counting) skip(s, SkipReason::too_long, line, "longer than 1 MiB");
            return false;
        }
        if (!parser.parse(line, out, why)) {
            if (s.first_bad_no == 0) {
                s.first_bad_no = s.line_no;
                s.first_bad = printable(line, 200);
                s.first_bad_why = why;
            }
            if (counting) skip(s, SkipReason::format, line, why);
            return false;
        }
        out.line = s.line_no;
        out.file = &s.path;
        return true;
    }

    Impl(std::vector<std::string> files, LogOptions o) : options(std::move(o)) {
        if (files.empty()) throw ConfigError("", 0, "LOG", "no log file given");
        refuse_repeats(files);
        // Rank by the start of the first parsable line (stable: ties keep the given order).
        // One file needs no ranking, so it may be a pipe.
        std::vector<std::pair<SimTime, std::unique_ptr<Source>>> ranked;
        for (std::string& f : files) {
            auto s = std::make_unique<Source>();
            s->path = std::move(f);
            s->open();
            if (files.size() == 1) {
                ranked.emplace_back(0, std::move(s));
                break;
            }
            LineParser parser(options);
            LogRecord r;
            bool found = false;
            while (!s->done) {
                if (read_one(*s, parser, r, false)) {
                    found = true;
                    break;
                }
            }
            if (!found) no_record(*s);
            s->rewind();
            s->done = false;
            ranked.emplace_back(r.at, std::move(s));
        }
        std::stable_sort(ranked.begin(), ranked.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        for (auto& [at, s] : ranked) {
            s->rank = static_cast<int>(sources.size());
            s->first_bad_no = 0;
            names.push_back(s->path);
            sources.push_back(std::move(s));
            parsers.emplace_back(options);
        }
    }

    // The live source with the smallest watermark, or -1 when all are done.
    int lowest() const {
        int best = -1;
        for (std::size_t i = 0; i < sources.size(); ++i) {
            const Source& s = *sources[i];
            if (s.done) continue;
            if (best < 0 || s.watermark < sources[logdetail::idx(best)]->watermark)
                best = static_cast<int>(i);
        }
        return best;
    }

    bool next(LogRecord& out) {
        for (;;) {
            const int lo = lowest();
            if (!heap.empty()) {
                const SimTime top = heap.top().record.at;
                if (lo < 0 || top + options.reorder <= sources[logdetail::idx(lo)]->watermark) {
                    out = std::move(const_cast<Pending&>(heap.top()).record);
                    heap.pop();
                    release(out);
                    return true;
                }
            } else if (lo < 0) {
                return false;
            }
            Source& s = *sources[logdetail::idx(lo)];
            LineParser& parser = parsers[logdetail::idx(lo)];
            if (!read_one(s, parser, scratch, true)) {
                if (s.done && s.parsed == 0) no_record(s);
                continue;
            }
            ++s.parsed;
            const SimTime logged = parser.logged(scratch);
            if (!s.any || logged > s.watermark) s.watermark = logged;
            s.any = true;
            if (released_any && scratch.at < last_released) {
                skip(s, SkipReason::late, std::string_view(),
                     "starts " + format_ms(last_released - scratch.at) +
                         " ms before a call already written; raise --reorder-ms");
                continue;
            }
            heap.push(Pending{std::move(scratch), s.rank});
            scratch = LogRecord{};
        }
    }

    void release(const LogRecord& r) {
        if (!released_any) stats.first_at = r.at;
        released_any = true;
        last_released = r.at;
        stats.last_at = r.at;
        ++stats.records;
        if (r.outcome == Outcome::failure) ++stats.failures;
        if (r.outcome == Outcome::timeout) ++stats.timeouts;
    }
};

LogReader::LogReader(std::vector<std::string> files, LogOptions options)
    : impl_(std::make_unique<Impl>(std::move(files), std::move(options))) {}
LogReader::~LogReader() = default;

bool LogReader::next(LogRecord& out) {
    return impl_->next(out);
}
const LogStats& LogReader::stats() const {
    return impl_->stats;
}
const std::vector<std::string>& LogReader::files() const {
    return impl_->names;
}

// [SECTION] trace text

std::string_view trace_header(bool with_duration) {
    return with_duration ? "t_ms,outcome,duration_ms\n" : "t_ms,outcome\n";
}

void append_trace_row(std::string& out, SimTime t, Outcome outcome, SimTime duration,
                      bool with_duration) {
    append_ms(out, t);
    out += ',';
    out += to_string(outcome);
    if (with_duration) {
        out += ',';
        append_ms(out, duration < 0 ? 0 : duration);
    }
    out += '\n';
}

std::string read_log_as_trace(LogReader& reader, bool with_duration) {
    std::string out(trace_header(with_duration));
    LogRecord r;
    bool first = true;
    SimTime origin = 0;
    while (reader.next(r)) {
        if (first) origin = r.at;
        first = false;
        append_trace_row(out, r.at - origin, r.outcome, r.duration, with_duration);
    }
    return out;
}

bool LogTraceSource::next(TraceRow& row) {
    if (!reader_.next(record_)) return false;
    if (!started_) {
        origin_ = record_.at;
        started_ = true;
    }
    row.at = record_.at - origin_;
    row.outcome = record_.outcome;
    row.duration = with_duration_ && record_.duration > 0 ? record_.duration : 0;
    row.line = static_cast<int>(std::min<std::uint64_t>(record_.line, INT32_MAX));
    return true;
}

Trace read_log_trace(LogReader& reader) {
    Trace trace;
    LogTraceSource source(reader);
    trace.has_duration = source.has_duration();
    TraceRow row;
    while (source.next(row))
        trace.rows.push_back(row);
    return trace;
}

std::string sanitize_key(std::string_view key) {
    std::string out;
    for (const char c : key.substr(0, 64)) {
        const bool keep =
            std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
        out += keep ? c : '_';
    }
    if (out.empty() || out == "-") return "none";
    if (out[0] == '.') out[0] = '_';
    return out;
}

}  // namespace cbsim
