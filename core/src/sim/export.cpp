// export.cpp: timeseries.csv, services.csv, events.csv and the run folder.
#include "cbsim/export.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include "cbsim/atomic_file.hpp"
#include "cbsim/scenario_io.hpp"
#include "sim/format.hpp"
#include "sim/output_folder.hpp"

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

/// The marker file of a run folder and of its staging folder: cbsim deletes or replaces only a
/// folder that carries it (or an export written before it existed, see folder_problem).
constexpr const char* kMarker = ".cbsim-run";
constexpr std::string_view kMarkerText =
    "cbsim run folder; replaced as a whole by the next export\n";

bool is_run_file(const std::string& name) {
    for (const char* f : kFiles)
        if (name == f) return true;
    return false;
}

/// A temp file of an interrupted write (AtomicFileWriter: ".NAME.tmp-XXXXXX").
bool is_temp_file(const std::string& name) {
    for (const char* f : kFiles)
        if (name.rfind(std::string(".") + f + ".tmp-", 0) == 0) return true;
    return name.rfind(std::string(".") + kMarker + ".tmp-", 0) == 0;
}

/// Why the existing directory `dir` may not be deleted or replaced by an export (empty if it
/// may): every entry must be a regular file of a run folder (in a staging folder also a temp
/// file), and the folder must carry the marker, be empty, or hold exactly the five files of a
/// run folder as regular files (an export written before the marker existed).
std::string folder_problem(const std::filesystem::path& dir, bool staging) {
    namespace fs = std::filesystem;
    std::error_code ec;
    bool marker = false;
    std::size_t run_files = 0, entries = 0, marker_temps = 0;
    const std::string marker_temp = std::string(".") + kMarker + ".tmp-";
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        const bool regular = entry.symlink_status(ec).type() == fs::file_type::regular;
        const bool known = is_run_file(name) || name == kMarker || (staging && is_temp_file(name));
        if (!known) return "holds '" + name + "', which is not part of a run export";
        if (!regular) return "its '" + name + "' is not a regular file, so not from a run export";
        marker = marker || name == kMarker;
        if (is_run_file(name)) ++run_files;
        if (name.rfind(marker_temp, 0) == 0) ++marker_temps;
        ++entries;
    }
    if (ec) return "cannot list the directory: " + ec.message();
    if (marker || entries == 0) return {};
    // The marker is the first file an export writes into its staging folder: one killed while
    // it wrote the marker left nothing but the marker's temp file.
    if (staging && marker_temps == entries) return {};
    if (!staging && entries == std::size(kFiles) && run_files == entries) return {};
    return "holds files named like a run export but not its marker " + std::string(kMarker);
}

/// Deletes a folder folder_problem accepted: the marker goes last, so a kill midway leaves a
/// folder that is still recognised as ours.
void remove_ours(const std::filesystem::path& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(dir / kMarker, ec)) write_file_atomic((dir / kMarker).string(), kMarkerText);
    // Listed first, removed after: no entry is missed by removing while the directory is read.
    std::vector<fs::path> entries;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.path().filename() != kMarker) entries.push_back(entry.path());
    for (const fs::path& entry : entries)
        fs::remove(entry, ec);
    fs::remove(dir / kMarker, ec);
    fs::remove(dir, ec);
}

const sim::FolderKind kRunFolder{"export", "export", "an export", folder_problem};

/// check_run_folder without the lock (the caller holds it).
std::string check_locked(const std::string& dir, const std::filesystem::path& target) {
    return sim::check_output_folder(dir, target, kRunFolder);
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
    if (dir.empty()) return "the run folder name is empty";
    const std::filesystem::path target = sim::normalise_folder(dir);
    DirectoryLock lock(sim::parent_of(target).string());
    return check_locked(dir, target);
}

std::string write_run_folder(const Run& run, const std::string& dir,
                             std::string_view scenario_toml) {
    namespace fs = std::filesystem;
    if (dir.empty()) return "the run folder name is empty";
    const fs::path target = sim::normalise_folder(dir);
    DirectoryLock lock(sim::parent_of(target).string());
    if (std::string problem = check_locked(dir, target); !problem.empty()) return problem;
    // scenario.toml must load again (the loader's size limit).
    if (std::string problem = saved_size_problem(scenario_toml.size()); !problem.empty())
        return dir + ": scenario.toml: " + problem;
    std::error_code ec;
    const bool replace = fs::exists(target, ec);
    const fs::path staging = sim::staging_of(target);
    if (fs::exists(staging, ec)) remove_ours(staging);  // left by an export that was killed
    if (!fs::create_directory(staging, ec))
        return dir + ": cannot create the staging directory " + staging.string() + ": " +
               ec.message();
    auto fail = [&](const std::string& e) {
        remove_ours(staging);
        return dir + ": " + e;
    };
    if (std::string e = write_file_atomic((staging / kMarker).string(), kMarkerText); !e.empty())
        return fail(e);
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
    const auto drop_old = [](const std::string& old) { remove_ours(old); };
    std::string e = replace ? replace_directory(staging.string(), target.string(), drop_old)
                            : publish_directory(staging.string(), target.string());
    if (!e.empty()) return fail(e);
    return {};
}

}  // namespace cbsim
