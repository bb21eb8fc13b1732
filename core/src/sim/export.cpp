// export.cpp: timeseries.csv, services.csv, events.csv and the run folder.
#include "cbsim/export.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "cbsim/atomic_file.hpp"
#include "sim/format.hpp"

namespace cbsim {

namespace {

int time_decimals(SimTime resolution) {
    return resolution % kMillisecond == 0 ? 3 : 6;
}

void time_field(std::string& out, SimTime t, int decimals) {
    fmt::fixed(out, to_s(t), decimals);
}

/// The first two columns of timeseries.csv and services.csv: bucket start, series name.
constexpr std::string_view kTimeColumn = "t_s";

/// The header line: t_s, the series column, then every column of `specs` by name.
template <typename Column, std::size_t N>
void header(std::string& out, std::string_view series, const ColumnSpec<Column> (&specs)[N]) {
    out += kTimeColumn;
    out += ',';
    out += series;
    for (const ColumnSpec<Column>& spec : specs) {
        out += ',';
        out += spec.name;
    }
    out += '\n';
}

/// The fields of `row` after its series name, in the order and format of `specs`.
template <typename Row, typename Column, std::size_t N>
void row_fields(std::string& out, const ColumnSpec<Column> (&specs)[N], const Row& row) {
    for (const ColumnSpec<Column>& spec : specs) {
        out += ',';
        switch (spec.format) {
            case ColumnFormat::state_name:
                if constexpr (std::is_same_v<Row, EdgeRow>) out += to_string(row.state);
                break;
            case ColumnFormat::count:
                fmt::integer(out, static_cast<std::uint64_t>(row.value(spec.column)));
                break;
            case ColumnFormat::fixed:
                fmt::fixed(out, row.value(spec.column), spec.decimals);
                break;
        }
    }
    out += '\n';
}

/// Text built in a buffer that is handed to `sink` whenever it passes kFlush bytes, so a long
/// run's file is never held whole (with an empty sink the buffer keeps everything).
class Out {
  public:
    explicit Out(const CsvSink* sink) : sink_(sink) {}
    std::string text;
    bool ok() const { return ok_; }
    void row_done() {
        if (sink_ && text.size() >= kFlush) flush();
    }
    bool flush() {
        if (sink_ && ok_ && !text.empty()) ok_ = (*sink_)(text);
        if (sink_) text.clear();
        return ok_;
    }

  private:
    static constexpr std::size_t kFlush = std::size_t{1} << 20;
    const CsvSink* sink_;
    bool ok_ = true;
};

/// Calls emit(index, series, row) for every row in time order (series by series within a
/// bucket), the bucket still open at now() included, fetching rows in chunks so a long run is
/// never copied whole. Stops early once `out` failed.
template <typename Row, typename Fetch, typename Emit>
void for_each_row(std::size_t series, std::size_t recorded, bool filling,
                  const std::vector<Row>& partial, const Out& out, Fetch fetch, Emit emit) {
    const bool merge_last = !partial.empty() && filling && recorded > 0;
    const std::size_t total = recorded + (!partial.empty() && !merge_last ? 1 : 0);
    constexpr std::size_t kChunk = 16384;
    std::vector<std::vector<Row>> chunk(series);
    for (std::size_t first = 0; first < total && out.ok(); first += kChunk) {
        const std::size_t count = std::min(kChunk, total - first);
        for (std::size_t s = 0; s < series; ++s) {
            chunk[s] = fetch(s, first, count);
            if (!partial.empty() && first + count == total) {
                if (merge_last)
                    chunk[s].back() = merge_rows(chunk[s].back(), partial[s]);
                else
                    chunk[s].push_back(partial[s]);
            }
        }
        for (std::size_t i = 0; i < count; ++i)
            for (std::size_t s = 0; s < series; ++s)
                emit(first + i, s, chunk[s][i]);
    }
}

void timeseries_rows(const Run& run, Out& out) {
    const Recorder& rec = run.recorder();
    const Run::PartialBucket partial = run.partial_bucket();
    const bool filling = rec.last_row_buckets() > 0;
    const SimTime res = rec.resolution();
    const int td = time_decimals(run.scenario().resolution_ms * kMillisecond);
    std::string& o = out.text;
    header(o, "edge", kEdgeColumnSpecs);
    auto fetch = [&](std::size_t e, std::size_t first, std::size_t count) {
        return rec.edge_rows(e, first, count);
    };
    auto emit = [&](std::size_t i, std::size_t e, const EdgeRow& r) {
        time_field(o, static_cast<SimTime>(i) * res, td);
        o += ',';
        fmt::csv_field(o, rec.edge_names()[e]);
        row_fields(o, kEdgeColumnSpecs, r);
        out.row_done();
    };
    for_each_row(rec.edge_names().size(), rec.row_count(), filling, partial.edges, out, fetch,
                 emit);
}

void services_rows(const Run& run, Out& out) {
    const Recorder& rec = run.recorder();
    const Run::PartialBucket partial = run.partial_bucket();
    const bool filling = rec.last_row_buckets() > 0;
    const SimTime res = rec.resolution();
    const int td = time_decimals(run.scenario().resolution_ms * kMillisecond);
    std::string& o = out.text;
    header(o, "service", kServiceColumnSpecs);
    auto fetch = [&](std::size_t s, std::size_t first, std::size_t count) {
        return rec.service_rows(s, first, count);
    };
    auto emit = [&](std::size_t i, std::size_t s, const ServiceRow& r) {
        time_field(o, static_cast<SimTime>(i) * res, td);
        o += ',';
        fmt::csv_field(o, rec.service_names()[s]);
        row_fields(o, kServiceColumnSpecs, r);
        out.row_done();
    };
    for_each_row(rec.service_names().size(), rec.row_count(), filling, partial.services, out, fetch,
                 emit);
}

/// The columns of events.csv, each with the way an event fills it.
struct EventColumn {
    std::string_view name;
    void (*write)(std::string& out, const EventRecord& event);
};
constexpr EventColumn kEventColumns[] = {
    {kTimeColumn, [](std::string& o, const EventRecord& e) { time_field(o, e.at, 6); }},
    {"edge", [](std::string& o, const EventRecord& e) { fmt::csv_field(o, e.edge); }},
    {"instance",
     [](std::string& o, const EventRecord& e) {
         if (e.instance >= 0)
             fmt::integer(o, std::int64_t{e.instance});
         else
             o += e.kind == EventRecord::Kind::transition ? "shared" : "";
     }},
    {"from", [](std::string& o, const EventRecord& e) { fmt::csv_field(o, e.from); }},
    {"to", [](std::string& o, const EventRecord& e) { fmt::csv_field(o, e.to); }},
    {"reason", [](std::string& o, const EventRecord& e) { fmt::csv_field(o, e.reason); }},
};

void events_rows(const Run& run, Out& out) {
    std::string& o = out.text;
    for (const EventColumn& c : kEventColumns) {
        if (&c != kEventColumns) o += ',';
        o += c.name;
    }
    o += '\n';
    const Recorder& rec = run.recorder();
    constexpr std::size_t kChunk = 16384;
    const std::size_t total = rec.event_count();
    for (std::size_t first = 0; first < total && out.ok(); first += kChunk) {
        for (const EventRecord& e : rec.events(first, std::min(kChunk, total - first))) {
            for (const EventColumn& c : kEventColumns) {
                if (&c != kEventColumns) o += ',';
                c.write(o, e);
            }
            o += '\n';
            out.row_done();
        }
    }
}

bool stream(void (*rows)(const Run&, Out&), const Run& run, const CsvSink& sink) {
    Out out(&sink);
    rows(run, out);
    return out.flush();
}

std::string collect(void (*rows)(const Run&, Out&), const Run& run) {
    Out out(nullptr);
    rows(run, out);
    return std::move(out.text);
}

constexpr const char* kFiles[] = {"timeseries.csv", "services.csv", "events.csv", "scenario.toml",
                                  "summary.json"};

}  // namespace

std::span<const char* const> run_folder_files() {
    return kFiles;
}

namespace {

/// `dir` without trailing separators, made absolute when it names the current directory or
/// its parent (so the folder has a name that can be renamed).
std::filesystem::path normalise(const std::string& dir) {
    namespace fs = std::filesystem;
    std::string d = dir;
    while (d.size() > 1 && d.back() == '/')
        d.pop_back();
    fs::path p(d);
    const std::string name = p.filename().string();
    if (name == "." || name == "..") {
        std::error_code ec;
        const fs::path abs = fs::absolute(p, ec).lexically_normal();
        if (!ec) {
            std::string a = abs.string();
            while (a.size() > 1 && a.back() == '/')
                a.pop_back();
            p = a;
        }
    }
    return p;
}

bool is_export_entry(const std::string& name) {
    for (const char* f : kFiles) {
        if (name == f) return true;
        // A temp file of an interrupted write (AtomicFileWriter: ".NAME.tmp-XXXXXX").
        const std::string tmp = std::string(".") + f + ".tmp-";
        if (name.rfind(tmp, 0) == 0) return true;
    }
    return false;
}

}  // namespace

std::string timeseries_csv(const Run& run) {
    return collect(timeseries_rows, run);
}

std::string services_csv(const Run& run) {
    return collect(services_rows, run);
}

std::string events_csv(const Run& run) {
    return collect(events_rows, run);
}

bool write_timeseries_csv(const Run& run, const CsvSink& sink) {
    return stream(timeseries_rows, run, sink);
}

bool write_services_csv(const Run& run, const CsvSink& sink) {
    return stream(services_rows, run, sink);
}

bool write_events_csv(const Run& run, const CsvSink& sink) {
    return stream(events_rows, run, sink);
}

std::string check_run_folder(const std::string& dir) {
    namespace fs = std::filesystem;
    if (dir.empty()) return "the run folder name is empty";
    std::error_code ec;
    const fs::path target = normalise(dir);
    fs::path parent = target.parent_path();
    if (parent.empty()) parent = ".";
    const auto status = fs::symlink_status(target, ec);
    if (fs::exists(status)) {
        if (!fs::is_directory(status)) return dir + ": exists and is not a directory";
        if (::access(target.c_str(), W_OK) != 0)
            return dir + ": directory is not writable: " + std::strerror(errno);
        struct stat self {
        }, up{};
        if (::stat(target.c_str(), &self) == 0 && ::stat(parent.c_str(), &up) == 0 &&
            (self.st_dev != up.st_dev || self.st_ino == up.st_ino)) {
            return dir + ": is a mount point or a root; export into a folder inside it";
        }
        if (fs::equivalent(target, fs::current_path(ec), ec))
            return dir + ": is the current directory; export into a folder inside it";
        for (const auto& entry : fs::directory_iterator(target, ec)) {
            const std::string name = entry.path().filename().string();
            if (!is_export_entry(name)) {
                return dir + ": holds '" + name +
                       "', which is not part of a run export; export into a new folder, an "
                       "empty one or one that holds only an earlier export";
            }
        }
        if (ec) return dir + ": cannot list the directory: " + ec.message();
    }
    if (!fs::is_directory(parent, ec))
        return dir + ": parent directory " + parent.string() + " does not exist";
    if (::access(parent.c_str(), W_OK) != 0) {
        return dir + ": parent directory " + parent.string() +
               " is not writable: " + std::strerror(errno);
    }
    return {};
}

std::string write_run_folder(const Run& run, const std::string& dir,
                             std::string_view scenario_toml) {
    namespace fs = std::filesystem;
    if (std::string problem = check_run_folder(dir); !problem.empty()) return problem;
    const fs::path target = normalise(dir);
    fs::path parent = target.parent_path();
    if (parent.empty()) parent = ".";
    std::error_code ec;
    const bool replace = fs::exists(target, ec);
    const fs::path staging = parent / (target.filename().string() + ".staging");
    fs::remove_all(staging, ec);  // left by an export that was killed
    if (!fs::create_directory(staging, ec))
        return dir + ": cannot create the staging directory " + staging.string() + ": " +
               ec.message();
    auto fail = [&](const std::string& e) {
        fs::remove_all(staging, ec);
        return dir + ": " + e;
    };
    // Streamed one file at a time: a long run's CSV text is never held whole.
    using Writer = bool (*)(const Run&, const CsvSink&);
    const Writer csv[] = {write_timeseries_csv, write_services_csv, write_events_csv};
    for (std::size_t i = 0; i < std::size(kFiles); ++i) {
        AtomicFileWriter file((staging / kFiles[i]).string());
        const CsvSink sink = [&](std::string_view text) { return file.write(text); };
        if (i < std::size(csv))
            csv[i](run, sink);
        else if (std::string_view(kFiles[i]) == "scenario.toml")
            file.write(scenario_toml);
        else
            file.write(summary_json(run.summary()));
        if (std::string e = file.commit(); !e.empty()) return fail(e);
    }
    std::string e = replace ? replace_directory(staging.string(), target.string())
                            : publish_directory(staging.string(), target.string());
    if (!e.empty()) return fail(e);
    return {};
}

}  // namespace cbsim
