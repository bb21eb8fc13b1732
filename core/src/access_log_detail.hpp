// access_log_detail.hpp: pieces of the access-log readers shared by access_log.cpp and the
// generator (access_log_synth.cpp). Not installed.
#pragma once

#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cbsim/access_log.hpp"

namespace cbsim::logdetail {

inline std::size_t idx(int i) {
    return static_cast<std::size_t>(i);
}

/// English month abbreviations of CLF dates (nginx $time_local, HAProxy, syslog).
inline constexpr const char* kMonthNames[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/// What a layout variable means to the importer.
enum class Field : std::uint8_t {
    other,
    time_clf,      ///< 10/Oct/2000:13:55:36 -0700
    time_iso,      ///< ISO 8601
    time_epoch_s,  ///< seconds since the epoch with a fraction ($msec)
    duration_s,    ///< seconds with a fraction ($request_time)
    duration_ms,   ///< integer milliseconds (%DURATION%)
    status,
    request,  ///< "GET /path HTTP/1.1"
    route,    ///< a path
    upstream,
};

struct TemplateItem {
    std::string literal;  ///< text before the variable
    std::string name;     ///< variable (nginx without '$', envoy without '%')
    Field field = Field::other;
};

/// A compiled nginx or envoy layout: literal, variable, literal, variable, ..., tail.
struct Template {
    std::vector<TemplateItem> items;
    std::string tail;
    int time = -1, duration = -1, status = -1, upstream = -1, route = -1;
    bool end_stamped = false;  ///< the time is when the call ended (nginx)
};

/// Throws ConfigError (file "--log-format") for a layout the reader cannot use.
Template compile_template(LogFormat format, std::string_view layout);
/// Splits `line` by the template: values[k] = item k's text. False when it does not fit.
bool match_template(const Template& t, std::string_view line, std::string_view* values);
/// "GET /a/b?x=1 HTTP/1.1" -> "/a/b"
std::string_view request_path(std::string_view request);

struct Fields {
    SimTime time = 0;
    SimTime duration = -1;
    int status = -1;
    std::string_view upstream, route;
};
bool parse_haproxy(std::string_view line, Fields& out, std::string& why);
/// Scalars of one JSON object at the dotted paths `wanted` (values[i] stays null-data when
/// absent; escaped strings are decoded into scratch[i]).
bool parse_json_fields(std::string_view line, std::span<const std::string* const> wanted,
                       std::string_view* values, std::string* scratch);
/// RFC 4180 fields of one line (quoted fields decoded into `unquoted`, a deque so that the
/// views of earlier fields stay valid while later ones are added).
bool split_csv(std::string_view line, std::vector<std::string_view>& fields,
               std::deque<std::string>& unquoted);

bool parse_int(std::string_view s, std::int64_t& out);
/// A non-negative decimal in `unit`, as microseconds (finer digits cut).
bool parse_scaled(std::string_view s, FieldUnit unit, SimTime& out);
/// As parse_scaled, with an optional exponent as JSON numbers have (1.2e-05, 5E+3): read
/// exactly, the decimal point moved by the exponent (json and csv mapped fields).
bool parse_scaled_exp(std::string_view s, FieldUnit unit, SimTime& out);
bool parse_clf_time(std::string_view s, bool with_zone, SimTime& out);
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d);
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d);

}  // namespace cbsim::logdetail
