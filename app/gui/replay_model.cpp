#include "replay_model.hpp"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>

#include <cbsim/error.hpp>

namespace cbsim::gui {

// [SECTION] The trace's aggregate (calls and failures at several resolutions) -------------

SimTime TraceAggregate::width(std::size_t level) const {
    SimTime w = width0_;
    for (std::size_t i = 0; i < level; ++i)
        w *= static_cast<SimTime>(kFactor);
    return w;
}

void TraceAggregate::coarsen() {
    // Pairs merge at every level: each level's width doubles and the factor between them holds.
    for (std::vector<Bucket>& lv : levels_) {
        std::vector<Bucket> merged((lv.size() + 1) / 2);
        for (std::size_t i = 0; i < lv.size(); ++i) {
            merged[i / 2].calls += lv[i].calls;
            merged[i / 2].failures += lv[i].failures;
        }
        lv = std::move(merged);
    }
    width0_ *= 2;
}

void TraceAggregate::add(SimTime at, bool failed) {
    at = std::max<SimTime>(at, 0);
    while (static_cast<std::size_t>(at / width0_) >= kMaxBuckets)
        coarsen();
    for (std::size_t l = 0; l < kLevels; ++l) {
        const auto i = static_cast<std::size_t>(at / width(l));
        std::vector<Bucket>& lv = levels_[l];
        if (lv.size() <= i) lv.resize(i + 1);
        ++lv[i].calls;
        if (failed) ++lv[i].failures;
    }
    ++calls_;
    if (failed) ++failures_;
    end_ = std::max(end_, at);
}

std::size_t TraceAggregate::bytes() const {
    std::size_t b = 0;
    for (const std::vector<Bucket>& lv : levels_)
        b += lv.capacity() * sizeof(Bucket);
    return b;
}

void TraceAggregate::columns(double lo_s, double hi_s, int n, std::vector<ColumnAgg>& rate,
                             std::vector<ColumnAgg>& share) const {
    rate.assign(static_cast<std::size_t>(std::max(n, 0)), ColumnAgg{});
    share.assign(rate.size(), ColumnAgg{});
    if (n <= 0 || hi_s <= lo_s || calls_ == 0) return;
    const double col_us = (hi_s - lo_s) * 1e6 / n;
    const std::size_t level = level_for(col_us);
    const std::vector<Bucket>& lv = levels_[level];
    const auto w = static_cast<double>(width(level));
    const double lo_us = lo_s * 1e6, hi_us = hi_s * 1e6;
    struct Sum {
        std::uint64_t calls = 0, failures = 0;
        std::uint32_t buckets = 0;
    };
    std::vector<Sum> sums(rate.size());
    if (w >= col_us) {
        // Zoomed in past the finest buckets: each column shows the bucket under its middle.
        for (std::size_t c = 0; c < sums.size(); ++c) {
            const double mid = lo_us + (static_cast<double>(c) + 0.5) * col_us;
            if (mid < 0.0) continue;
            const auto i = static_cast<std::size_t>(mid / w);
            if (i >= lv.size()) continue;
            sums[c] = Sum{lv[i].calls, lv[i].failures, 1};
        }
    } else {
        // Each bucket in view goes to the column under its middle (at most kFactor a column).
        for (auto i = static_cast<std::size_t>(std::max(lo_us, 0.0) / w);
             i < lv.size() && static_cast<double>(i) * w < hi_us; ++i) {
            const double c = std::floor(((static_cast<double>(i) + 0.5) * w - lo_us) / col_us);
            if (c < 0.0 || c >= static_cast<double>(n)) continue;
            Sum& s = sums[static_cast<std::size_t>(c)];
            s.calls += lv[i].calls;
            s.failures += lv[i].failures;
            ++s.buckets;
        }
    }
    for (std::size_t c = 0; c < sums.size(); ++c) {
        const Sum& s = sums[c];
        if (s.buckets == 0) continue;
        const double r = static_cast<double>(s.calls) / (s.buckets * w / 1e6);
        rate[c] = ColumnAgg{r, r, r, r, s.buckets};
        if (s.calls > 0) {
            const double f = static_cast<double>(s.failures) / static_cast<double>(s.calls);
            share[c] = ColumnAgg{f, f, f, f,
                                 static_cast<std::uint32_t>(std::min<std::uint64_t>(
                                     s.calls, std::numeric_limits<std::uint32_t>::max()))};
        }
    }
}

std::size_t TraceAggregate::level_for(double column_us) const {
    std::size_t level = 0;
    while (level + 1 < kLevels &&
           static_cast<double>(width(level + 1)) * kMinBucketsPerColumn <= column_us)
        ++level;
    return level;
}

// [SECTION] A config's state timeline (its transitions) ----------------------------------

void StateTimeline::add(const Transition& t) {
    changes_.push_back(StateChange{t.at, t.from, t.to, t.text()});
}

const StateChange* StateTimeline::change_at(SimTime t) const {
    auto it = std::upper_bound(changes_.begin(), changes_.end(), t,
                               [](SimTime v, const StateChange& c) { return v < c.at; });
    if (it == changes_.begin()) return nullptr;
    return &*std::prev(it);
}

State StateTimeline::state_at(SimTime t) const {
    const StateChange* c = change_at(t);
    return c ? c->to : State::closed;
}

void StateTimeline::columns(double lo_s, double hi_s, int n, std::vector<ColumnAgg>& out) const {
    out.assign(static_cast<std::size_t>(std::max(n, 0)), ColumnAgg{});
    if (n <= 0 || hi_s <= lo_s) return;
    const double col_us = (hi_s - lo_s) * 1e6 / n;
    for (int c = 0; c < n; ++c) {
        const double t0 = lo_s * 1e6 + c * col_us, t1 = t0 + col_us;
        const auto a = static_cast<SimTime>(std::floor(t0));
        const State s0 = state_at(a);
        double sev = state_severity(s0);
        // Every transition inside the column: its most severe state wins.
        auto it = std::upper_bound(changes_.begin(), changes_.end(), a,
                                   [](SimTime v, const StateChange& ch) { return v < ch.at; });
        for (; it != changes_.end() && static_cast<double>(it->at) < t1; ++it)
            sev = std::max(sev, static_cast<double>(state_severity(it->to)));
        const double last = state_severity(state_at(static_cast<SimTime>(std::ceil(t1)) - 1));
        out[static_cast<std::size_t>(c)] =
            ColumnAgg{std::min<double>(sev, state_severity(s0)), sev,
                      static_cast<double>(state_severity(s0)), last, 1};
    }
}

// [SECTION] What a file is: a trace, or a log of which format ----------------------------

namespace {

/// Up to `max` non-blank lines from the start of `path` (plain or gzip; lines cut at 64 KiB).
std::vector<std::string> first_lines(const std::string& path, std::size_t max, std::string& error) {
    std::vector<std::string> lines;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        error = path + ": is a folder";
        return lines;
    }
    gzFile gz = gzopen(path.c_str(), "rb");
    if (gz == nullptr) {
        error = path + ": cannot be read: " + std::strerror(errno);
        return lines;
    }
    std::vector<char> buf(64 * 1024);
    while (lines.size() < max && gzgets(gz, buf.data(), static_cast<int>(buf.size())) != nullptr) {
        std::string line(buf.data());
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
            line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        lines.push_back(std::move(line));
    }
    gzclose(gz);
    if (lines.empty() && error.empty()) error = path + ": is empty";
    return lines;
}

std::string printable(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 120))
        out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    if (s.size() > 120) out += "...";
    return out;
}

}  // namespace

namespace {

/// Whether `options` read the first of `lines` (csv: the header, then the next line) and at
/// least half of the following ones. Else `why` says what did not parse.
bool reads(const std::vector<std::string>& lines, const LogOptions& options,
           const std::string& path, std::string& why) {
    try {
        LineParser parser(options);
        std::size_t i = 0;
        if (parser.needs_header()) parser.header(lines[i++], path);
        if (i >= lines.size()) {
            why = "the file has a header line and nothing under it";
            return false;
        }
        LogRecord record;
        if (!parser.parse(lines[i], record, why)) {
            why = "its first line: " + why + ": " + printable(lines[i]);
            return false;
        }
        // The first line parses; most of the following ones must too (a log may hold a few
        // lines of another kind).
        std::size_t tried = 0;
        std::size_t read = 0;
        std::string ignored;
        for (std::size_t j = i + 1; j < lines.size(); ++j, ++tried)
            read += parser.parse(lines[j], record, ignored) ? 1U : 0U;
        if (2 * read < tried) {
            why = "only " + std::to_string(read) + " of the " + std::to_string(tried) +
                  " lines after the first parse";
            return false;
        }
        return true;
    } catch (const ConfigError& e) {
        why = e.what();  // a layout or a csv header that does not fit
        return false;
    }
}

}  // namespace

TraceKind detect_trace_kind(const std::string& path) {
    TraceKind kind;
    const std::vector<std::string> lines = first_lines(path, 17, kind.error);
    if (!kind.error.empty()) return kind;
    kind.readable = true;
    if (lines[0].rfind("t_ms,outcome", 0) == 0) return kind;
    for (const LogFormatInfo& info : log_formats()) {
        LogOptions options;
        options.format = info.format;
        std::string why;
        if (!reads(lines, options, path, why)) continue;
        kind.log = true;
        kind.format = info.format;
        return kind;
    }
    kind.error = path + ": not a trace (t_ms,outcome header) and no log format (" +
                 log_format_names() + ") reads its first line: " + printable(lines[0]);
    return kind;
}

std::string check_log_options(const std::string& path, const LogOptions& options) {
    std::string error;
    const std::vector<std::string> lines = first_lines(path, 17, error);
    if (!error.empty()) return error;
    std::string why;
    if (reads(lines, options, path, why)) return "";
    return path + ": not read as " + log_format_info(options.format).name + ": " + why;
}

// [SECTION] The replay in the background ---------------------------------------------------

namespace {

class StopSink : public ReplaySetSink {
  public:
    explicit StopSink(const std::stop_token& stop) : stop_(stop) {}
    bool decision(std::size_t, const ReplayedRow&) override { return !stop_.stop_requested(); }
    bool burst(std::size_t, const BurstRecord&) override { return true; }

  private:
    const std::stop_token& stop_;
};

}  // namespace

ReplayResult replay_request(const ReplayRequest& request, const std::stop_token& stop,
                            std::atomic<std::uint64_t>* progress) {
    ReplayResult out;
    for (const NamedConfig& c : request.configs)
        out.names.push_back(c.name);
    out.timelines.resize(request.configs.size());
    try {
        std::unique_ptr<LogReader> reader;
        std::unique_ptr<TraceSource> source;
        LogTraceSource* log_source = nullptr;
        if (request.log) {
            reader = std::make_unique<LogReader>(std::vector<std::string>{request.path},
                                                 request.options);
            auto s = std::make_unique<LogTraceSource>(*reader);
            log_source = s.get();
            source = std::move(s);
        } else {
            source = std::make_unique<CsvTraceSource>(request.path);
        }
        ReplaySet set(request.configs);
        set.observe_transitions(
            [&out](std::size_t config, const Transition& t) { out.timelines[config].add(t); });
        StopSink sink(stop);
        std::vector<TraceRow> batch;
        batch.reserve(4096);
        TraceRow row;
        bool more = true;
        while (more && !stop.stop_requested()) {
            batch.clear();
            while (batch.size() < 4096 && (more = source->next(row))) {
                batch.push_back(row);
                out.trace.add(row.at,
                              row.outcome == Outcome::failure || row.outcome == Outcome::timeout);
            }
            if (!set.feed(batch, sink)) break;
            out.rows += batch.size();
            if (progress) progress->store(out.rows);
        }
        if (!stop.stop_requested()) set.finish(sink);
        for (std::size_t c = 0; c < set.size(); ++c)
            out.kpis.push_back(set.kpis(c));
        if (log_source) {
            out.origin_us = log_source->origin();
            out.log = log_source->stats();
        }
    } catch (const std::exception& e) {
        out.error = e.what();
    }
    return out;
}

void ReplayJob::start(ReplayRequest request) {
    cancel();
    {
        std::lock_guard lock(mutex_);
        result_.reset();
    }
    progress_ = 0;
    running_ = true;
    thread_ =
        std::jthread([this, r = std::move(request)](std::stop_token stop) { run(r, stop, this); });
}

void ReplayJob::cancel() {
    if (thread_.joinable()) {
        thread_.request_stop();
        thread_.join();
    }
    running_ = false;
}

void ReplayJob::clear() {
    cancel();
    std::lock_guard lock(mutex_);
    result_.reset();
}

void ReplayJob::run(ReplayRequest request, std::stop_token stop, ReplayJob* job) {
    auto result = std::make_shared<ReplayResult>(replay_request(request, stop, &job->progress_));
    if (!stop.stop_requested()) {
        std::lock_guard lock(job->mutex_);
        job->result_ = std::move(result);
    }
    job->running_ = false;
}

std::shared_ptr<const ReplayResult> ReplayJob::result() const {
    std::lock_guard lock(mutex_);
    return result_;
}

}  // namespace cbsim::gui
