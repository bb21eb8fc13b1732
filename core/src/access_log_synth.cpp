// access_log_synth.cpp: synth_log, the access-log generator (cbsim/access_log.hpp): the log a
// server would have written for a known trace, in every format the importer reads. Tests and
// `cbsim-cli synth-log` use it, so no log file needs to be downloaded.
#include <algorithm>
#include <cstdio>
#include <numeric>

#include "access_log_detail.hpp"
#include "cbsim/error.hpp"
#include "cbsim/rng.hpp"

namespace cbsim {

namespace {

using logdetail::Field;

constexpr const char* kMethods[] = {"GET", "GET",  "GET",  "GET", "GET",   "GET",
                                    "GET", "POST", "POST", "PUT", "DELETE"};
constexpr const char* kPaths[] = {"/api/orders", "/api/orders/4711", "/api/users/42", "/api/cart",
                                  "/api/search", "/api/payments",    "/api/products", "/healthz"};
constexpr const char* kQueries[] = {"", "", "", "?page=2", "?q=boots&sort=price", "?id=17"};
constexpr const char* kAgents[] = {
    "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0",
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.0.0 Safari/537.36"),
    "curl/7.88.1",
    "okhttp/4.12.0",
    "grpc-go/1.59.0",
    "python-requests/2.28.1"};
constexpr const char* kUpstreams[] = {"10.0.3.7:8080", "10.0.3.8:8080", "10.0.3.9:8080"};
constexpr int kSuccess[] = {200, 200, 200, 200, 200, 200, 201, 204, 304};
constexpr int kFailure[] = {500, 502, 503, 503, 429};

template <typename T, std::size_t N>
const T& pick(Rng& rng, const T (&items)[N]) {
    return items[rng.below(N)];
}

int status_for(Outcome o, Rng& rng) {
    switch (o) {
        case Outcome::success:
            return pick(rng, kSuccess);
        case Outcome::failure:
            return pick(rng, kFailure);
        case Outcome::timeout:
            return 504;
        case Outcome::ignored:
            return 499;
    }
    return 200;
}

/// One call's made-up details.
struct Call {
    SimTime start = 0, duration = 0;
    int status = 200;
    std::string client, method, path, query, agent, upstream, request_id;
    std::uint64_t bytes = 0;
};

Call make_call(const TraceRow& row, SimTime start, Rng& rng) {
    Call c;
    c.start = start + row.at;
    c.duration = row.duration;
    c.status = status_for(row.outcome, rng);
    const std::uint64_t net = rng.below(3);
    c.client = net == 0   ? "203.0.113." + std::to_string(1 + rng.below(254))
               : net == 1 ? "198.51.100." + std::to_string(1 + rng.below(254))
                          : "10.1." + std::to_string(rng.below(256)) + "." +
                                std::to_string(1 + rng.below(254));
    c.method = pick(rng, kMethods);
    c.path = pick(rng, kPaths);
    c.query = pick(rng, kQueries);
    c.agent = pick(rng, kAgents);
    c.upstream = pick(rng, kUpstreams);
    char id[40];
    const std::uint64_t a = rng.next(), b = rng.next();
    std::snprintf(id, sizeof id, "%08llx-%04llx-4%03llx-%04llx-%012llx",
                  static_cast<unsigned long long>(a >> 32),
                  static_cast<unsigned long long>((a >> 16) & 0xffff),
                  static_cast<unsigned long long>(a & 0xfff),
                  static_cast<unsigned long long>(0x8000 | ((b >> 48) & 0x3fff)),
                  static_cast<unsigned long long>(b & 0xffffffffffffull));
    c.request_id = id;
    c.bytes = c.status == 204 || c.status == 304 ? 0 : 120 + rng.below(8000);
    return c;
}

// Fixed-point text: value / 10^decimals with exactly `decimals` digits ("0.012").
std::string fixed(SimTime value, int decimals) {
    SimTime scale = 1;
    for (int i = 0; i < decimals; ++i)
        scale *= 10;
    std::string out = std::to_string(value / scale);
    if (decimals > 0) {
        std::string frac = std::to_string(value % scale + scale).substr(1);
        out += '.' + frac;
    }
    return out;
}

/// Epoch microseconds as a UTC calendar date and time of day.
struct Civil {
    std::int64_t y = 0;
    unsigned mo = 0, d = 0;
    int h = 0, mi = 0, s = 0;
    SimTime us = 0;
};

Civil civil(SimTime t) {
    Civil c;
    const SimTime secs = t / kSecond;
    c.us = t % kSecond;
    const std::int64_t rem = secs % 86400;
    logdetail::civil_from_days(secs / 86400, c.y, c.mo, c.d);
    c.h = static_cast<int>(rem / 3600);
    c.mi = static_cast<int>(rem / 60 % 60);
    c.s = static_cast<int>(rem % 60);
    return c;
}

// 07/Dec/2026:03:00:01 (+ ".mmm" when ms)
std::string clf_time(SimTime t, bool ms) {
    const Civil c = civil(t);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%02u/%s/%04lld:%02d:%02d:%02d", c.d,
                  logdetail::kMonthNames[c.mo - 1], static_cast<long long>(c.y), c.h, c.mi, c.s);
    std::string out = buf;
    if (ms) out += '.' + std::to_string(c.us / 1000 + 1000).substr(1);
    return out;
}

// 2026-12-07T03:00:01 + tail
std::string iso_seconds(SimTime t) {
    return format_iso8601(t).substr(0, 19);
}

[[noreturn]] void unrepresentable(const std::string& file, const TraceRow& row, const char* key,
                                  const std::string& what) {
    throw ConfigError(file, row.line, key, what);
}

// `value` (epoch or duration) must be a multiple of `step`; `shown` is what the message quotes.
void check_multiple(const std::string& file, const TraceRow& row, const char* key, SimTime shown,
                    SimTime value, SimTime step, const std::string& where) {
    if (value % step == 0) return;
    unrepresentable(file, row, key,
                    format_ms(shown) + " ms cannot be written in " + where + " (steps of " +
                        format_ms(step) + " ms)");
}

std::string quoted(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    out += s;
    out += '"';
    return out;
}

std::string json_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

std::string template_value(const logdetail::TemplateItem& item, const Call& c, LogFormat format) {
    const std::string& n = item.name;
    const SimTime end = c.start + c.duration;
    switch (item.field) {
        case Field::time_clf:
            return clf_time(end, false) + " +0000";
        case Field::time_iso:
            if (format == LogFormat::envoy) {
                return iso_seconds(c.start) + "." +
                       std::to_string(c.start % kSecond / 1000 + 1000).substr(1) + "Z";
            }
            return iso_seconds(end) + "+00:00";
        case Field::time_epoch_s:
            return fixed(end / 1000, 3);
        case Field::duration_s:
            return fixed(c.duration / 1000, 3);
        case Field::duration_ms:
            return std::to_string(c.duration / 1000);
        case Field::status:
            return std::to_string(c.status);
        case Field::request:
            return c.method + " " + c.path + c.query + " HTTP/1.1";
        case Field::route:
            return c.path + (n == "request_uri" ? c.query : "");
        case Field::upstream:
            return c.upstream;
        case Field::other:
            break;
    }
    if (n == "remote_addr" || n == "REQ(X-FORWARDED-FOR)" || n == "DOWNSTREAM_REMOTE_ADDRESS")
        return c.client;
    if (n == "body_bytes_sent" || n == "bytes_sent" || n == "BYTES_SENT")
        return std::to_string(c.bytes);
    if (n == "BYTES_RECEIVED") return c.method == "GET" ? "0" : "312";
    if (n == "http_user_agent" || n == "REQ(USER-AGENT)") return c.agent;
    if (n == "REQ(:METHOD)" || n == "request_method") return c.method;
    if (n == "PROTOCOL" || n == "server_protocol") return "HTTP/1.1";
    if (n == "REQ(X-REQUEST-ID)" || n == "request_id") return c.request_id;
    if (n == "REQ(:AUTHORITY)" || n == "host") return "api.example.com";
    if (n == "upstream_response_time")
        return fixed(c.duration > 1000 ? (c.duration - 1000) / 1000 : 0, 3);
    if (n == "RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)")
        return c.duration >= 1000 ? std::to_string(c.duration / 1000 - (c.duration >= 2000)) : "-";
    if (n == "RESPONSE_FLAGS") return c.status == 504 ? "UT" : "-";
    return "-";
}

}  // namespace

std::string synth_log(const Trace& trace, const SynthOptions& options,
                      const std::string& trace_file) {
    const LogFormatInfo& info = log_format_info(options.format);
    Rng rng(options.seed, stream_id("synth-log"));
    std::vector<Call> calls;
    calls.reserve(trace.rows.size());
    for (const TraceRow& row : trace.rows)
        calls.push_back(make_call(row, options.start, rng));
    // Loggers write a line when the call ends.
    std::vector<std::size_t> order(calls.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return calls[a].start + calls[a].duration < calls[b].start + calls[b].duration;
    });

    std::string out;
    switch (options.format) {
        case LogFormat::nginx:
        case LogFormat::envoy: {
            const logdetail::Template t = logdetail::compile_template(
                options.format,
                options.log_format.empty() ? info.layout : std::string_view(options.log_format));
            const Field time_field = t.items[logdetail::idx(t.time)].field;
            const std::string where = std::string(info.name) + "'s " +
                                      (options.format == LogFormat::envoy ? "%" : "$") +
                                      t.items[logdetail::idx(t.time)].name +
                                      (options.format == LogFormat::envoy ? "%" : "");
            for (std::size_t i = 0; i < trace.rows.size(); ++i) {
                const TraceRow& row = trace.rows[i];
                const SimTime stamp =
                    t.end_stamped ? calls[i].start + calls[i].duration : calls[i].start;
                const SimTime step = time_field == Field::time_clf ||
                                             (time_field == Field::time_iso && t.end_stamped)
                                         ? kSecond
                                         : kMillisecond;
                check_multiple(
                    trace_file, row, "t_ms", stamp - options.start, stamp, step,
                    where + (t.end_stamped ? " (the call's end, t_ms + duration_ms)" : ""));
                if (t.duration < 0 && row.duration != 0) {
                    unrepresentable(trace_file, row, "duration_ms",
                                    "the layout has no duration ($request_time)");
                }
                check_multiple(trace_file, row, "duration_ms", row.duration, row.duration,
                               kMillisecond, std::string(info.name) + "'s duration");
            }
            for (std::size_t i : order) {
                for (std::size_t k = 0; k < t.items.size(); ++k) {
                    out += t.items[k].literal;
                    out += template_value(t.items[k], calls[i], options.format);
                }
                out += t.tail;
                out += '\n';
            }
            break;
        }
        case LogFormat::haproxy: {
            for (std::size_t i = 0; i < trace.rows.size(); ++i) {
                const TraceRow& row = trace.rows[i];
                check_multiple(trace_file, row, "t_ms", row.at, calls[i].start, kMillisecond,
                               "haproxy's accept date");
                check_multiple(trace_file, row, "duration_ms", row.duration, row.duration,
                               kMillisecond, "haproxy's total time");
            }
            int pid = 2201;
            for (std::size_t i : order) {
                const Call& c = calls[i];
                const SimTime end = c.start + c.duration;
                const std::int64_t tt = c.duration / 1000;
                const std::int64_t tc = tt > 0 ? 1 : 0;
                const std::int64_t tr = tt > 1 ? tt - 1 : 0;
                const Civil e = civil(end);
                char syslog[64];
                std::snprintf(syslog, sizeof syslog, "%s %2u %02d:%02d:%02d lb1 haproxy[%d]: ",
                              logdetail::kMonthNames[e.mo - 1], e.d, e.h, e.mi, e.s, pid);
                out += syslog;
                out += c.client + ":" + std::to_string(32768 + (c.bytes * 7919) % 28000);
                out += " [" + clf_time(c.start, true) + "] http-in be_api/srv" +
                       std::to_string(c.upstream[c.upstream.find(':') - 1] - '6');
                out += " 0/0/" + std::to_string(tc) + "/" + std::to_string(tr) + "/" +
                       std::to_string(tt) + " " + std::to_string(c.status) + " " +
                       std::to_string(c.bytes) + " - - " + (c.status >= 500 ? "SH--" : "----") +
                       " 3/3/0/0/0 0/0 \"" + c.method + " " + c.path + c.query + " HTTP/1.1\"\n";
            }
            break;
        }
        case LogFormat::json:
        case LogFormat::csv: {
            const FieldMap map =
                options.fields.time.name.empty() ? parse_field_map(info.layout) : options.fields;
            const bool json = options.format == LogFormat::json;
            auto time_text = [&](const MappedField& f, SimTime t) -> std::string {
                switch (f.unit) {
                    case FieldUnit::iso8601:
                        return json ? quoted(format_iso8601(t)) : format_iso8601(t);
                    case FieldUnit::s:
                        return fixed(t, 6);
                    case FieldUnit::ms:
                        return fixed(t, 3);
                    case FieldUnit::us:
                        return std::to_string(t);
                    case FieldUnit::ns:
                        return std::to_string(t) + "000";
                }
                return {};
            };
            auto duration_text = [&](SimTime d) -> std::string {
                switch (map.duration.unit) {
                    case FieldUnit::s:
                        return fixed(d, 6);
                    case FieldUnit::us:
                        return std::to_string(d);
                    case FieldUnit::ns:
                        return std::to_string(d) + "000";
                    default:
                        return fixed(d, 3);
                }
            };
            // Columns: the mapped ones, then method, client and agent.
            struct Column {
                std::string name;
                int what;  // 0 time 1 end 2 duration 3 status 4 upstream 5 route 6 method 7
                           // client 8 agent
            };
            std::vector<Column> cols;
            auto add = [&](const std::string& name, int what) {
                if (name.empty()) return;
                for (const Column& c : cols)
                    if (c.name == name) return;
                cols.push_back({name, what});
            };
            add(map.time.name, 0);
            add(map.end.name, 1);
            add(map.duration.name, 2);
            add(map.status.name, 3);
            add("method", 6);
            add(map.route.name.empty() ? std::string("path") : map.route.name, 5);
            add(map.upstream.name.empty() ? std::string("upstream") : map.upstream.name, 4);
            add("client", 7);
            if (!json) add("user_agent", 8);
            if (!json) {
                for (std::size_t k = 0; k < cols.size(); ++k)
                    out += (k ? "," : "") + cols[k].name;
                out += '\n';
            }
            for (std::size_t i : order) {
                const Call& c = calls[i];
                if (json) out += '{';
                for (std::size_t k = 0; k < cols.size(); ++k) {
                    const int what = cols[k].what;
                    const bool quote = what >= 4 && what <= 7;  // strings in json
                    const std::string v = what == 0   ? time_text(map.time, c.start)
                                          : what == 1 ? time_text(map.end, c.start + c.duration)
                                          : what == 2 ? duration_text(c.duration)
                                          : what == 3 ? std::to_string(c.status)
                                          : what == 4 ? c.upstream
                                          : what == 5 ? c.path
                                          : what == 6 ? c.method
                                          : what == 7 ? c.client
                                                      : quoted(c.agent);  // csv: has commas
                    if (k) out += ',';
                    if (json) {
                        out += quoted(json_escape(cols[k].name));
                        out += ':';
                        out += quote ? quoted(json_escape(v)) : v;
                    } else {
                        out += v;
                    }
                }
                out += json ? "}\n" : "\n";
            }
            break;
        }
    }
    return out;
}

}  // namespace cbsim
