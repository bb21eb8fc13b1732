// sweep.cpp: running a sweep (sweep.hpp): the rows of sweep.csv and points.csv, the sweep
// folder with its journal, the worker threads, merging shards and the recommendation.
//
// [SECTION] KPI columns and rows
// [SECTION] points.csv
// [SECTION] The sweep folder
// [SECTION] The journal
// [SECTION] Running
// [SECTION] Merging shards
// [SECTION] Recommendation
#include "cbsim/sweep.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <new>
#include <sstream>
#include <thread>

#include "cbsim/atomic_file.hpp"
#include "cbsim/breaker_config.hpp"
#include "cbsim/compare.hpp"
#include "cbsim/error.hpp"
#include "cbsim/run.hpp"
#include "cbsim/scenario_io.hpp"
#include "cbsim/summary.hpp"
#include "sim/format.hpp"
#include "sim/output_folder.hpp"
#include "sim/sweep_hash.hpp"

namespace cbsim {

namespace fs = std::filesystem;

// [SECTION] KPI columns and rows -------------------------------------------------------------

namespace {

/// A KPI column of sweep.csv: an edge KPI, or one derived from it.
struct SweepKpi {
    std::string name;
    bool optional = false;  ///< a run may have no value (a delay with no episode)
    int decimals = 6;
    /// The value for an edge of a run `duration_s` long.
    std::function<std::optional<double>(const EdgeSummary&, double duration_s)> get;
};

/// Per simulated hour: the derived columns name the KPI they scale.
constexpr std::string_view kPerHour = "_per_hour";
constexpr std::string_view kPerHourKpis[] = {"opens", "false_trips"};

const std::vector<SweepKpi>& sweep_kpis() {
    static const std::vector<SweepKpi> kpis = [] {
        std::vector<SweepKpi> out;
        for (const EdgeKpi& k : edge_kpis()) {
            const EdgeKpi* kp = &k;
            out.push_back({std::string(k.key), k.kind == EdgeKpi::Kind::optional,
                           k.kind == EdgeKpi::Kind::count ? 0 : k.decimals,
                           [kp](const EdgeSummary& e, double) { return kp->value(e); }});
        }
        for (std::string_view base : kPerHourKpis) {
            for (const EdgeKpi& k : edge_kpis()) {
                if (k.key != base) continue;
                const EdgeKpi* kp = &k;
                out.push_back({std::string(base) + std::string(kPerHour), false, 6,
                               [kp](const EdgeSummary& e, double d) -> std::optional<double> {
                                   const auto v = kp->value(e);
                                   if (!v || d <= 0) return std::nullopt;
                                   return *v * 3600.0 / d;
                               }});
            }
        }
        return out;
    }();
    return kpis;
}

/// The fields of one CSV line (RFC 4180 quoting).
std::vector<std::string> split_csv(std::string_view line) {
    std::vector<std::string> out(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                out.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                out.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            out.emplace_back();
        } else {
            out.back() += c;
        }
    }
    return out;
}

std::optional<double> parse_double(std::string_view s) {
    double v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

std::string axis_value_text(const SettingValue& v) {
    return to_string(v);
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto nl = text.find('\n', start);
        if (nl == std::string::npos) {
            out.push_back(text.substr(start));
            break;
        }
        out.push_back(text.substr(start, nl - start));
        start = nl + 1;
    }
    return out;
}

}  // namespace

std::vector<std::string> sweep_kpi_names() {
    std::vector<std::string> out;
    for (const SweepKpi& k : sweep_kpis())
        out.push_back(k.name);
    return out;
}

namespace {

/// The KPIs of `spec` (spec.kpis, or all), in the table's order.
std::vector<const SweepKpi*> chosen_kpis(const SweepSpec& spec) {
    std::vector<const SweepKpi*> out;
    for (const SweepKpi& k : sweep_kpis()) {
        if (spec.kpis.empty() ||
            std::find(spec.kpis.begin(), spec.kpis.end(), k.name) != spec.kpis.end())
            out.push_back(&k);
    }
    return out;
}

}  // namespace

std::vector<std::string> sweep_kpi_columns(const SweepSpec& spec) {
    std::vector<std::string> out;
    for (const SweepKpi* k : chosen_kpis(spec))
        out.push_back(k->name);
    return out;
}

std::string sweep_csv_header(const SweepSpec& spec) {
    std::string out = "point,profile,seed";
    for (const SweepAxis& a : spec.axes) {
        out += ',';
        fmt::csv_field(out, a.path);
    }
    for (const SweepKpi* k : chosen_kpis(spec))
        out += "," + k->name;
    return out;
}

std::string run_sweep_task(const SweepPlan& plan, std::size_t task) {
    const SweepTask t = sweep_task(plan, task);
    Scenario scenario = task_scenario(plan, task);
    Run run(std::move(scenario), Recorder::kMinRows);
    run.advance_to(plan.base.duration());
    const Summary summary = run.summary();
    const EdgeSummary* edge = nullptr;
    for (const EdgeSummary& e : summary.edges)
        if (e.edge == plan.spec.edge) edge = &e;
    if (edge == nullptr) throw ConfigError("", 0, "edge", plan.spec.edge + ": no such edge");
    std::string out;
    fmt::integer(out, static_cast<std::uint64_t>(t.point));
    out += ',';
    fmt::csv_field(out, plan.spec.profiles[t.profile].name);
    out += ',';
    fmt::integer(out, t.seed);
    for (const SettingValue& v : point_values(plan.spec, t.point)) {
        out += ',';
        fmt::csv_field(out, axis_value_text(v));
    }
    for (const SweepKpi* k : chosen_kpis(plan.spec)) {
        out += ',';
        if (const auto v = k->get(*edge, summary.duration_s)) fmt::fixed(out, *v, k->decimals);
    }
    return out;
}

// [SECTION] points.csv -----------------------------------------------------------------------

std::string points_csv(const SweepPlan& plan, std::span<const std::string> rows) {
    const SweepSpec& spec = plan.spec;
    const std::size_t axes = spec.axes.size();
    const std::size_t first_kpi = 3 + axes;
    std::string out = "point,profile";
    for (const SweepAxis& a : spec.axes) {
        out += ',';
        fmt::csv_field(out, a.path);
    }
    out += ",seeds";
    const std::vector<const SweepKpi*> kpis = chosen_kpis(spec);
    for (const SweepKpi* k : kpis) {
        out += "," + k->name + "," + k->name + "_ci95";
        if (k->optional) out += "," + k->name + "_n";
    }
    out += '\n';
    const std::size_t seeds = spec.seeds;
    const std::size_t groups = rows.size() / seeds;
    for (std::size_t g = 0; g < groups; ++g) {
        std::vector<std::vector<std::string>> fields;
        for (std::size_t s = 0; s < seeds; ++s)
            fields.push_back(split_csv(rows[g * seeds + s]));
        const std::vector<std::string>& first = fields.front();
        out += first.at(0) + ',';
        fmt::csv_field(out, first.at(1));
        for (std::size_t a = 0; a < axes; ++a) {
            out += ',';
            fmt::csv_field(out, first.at(3 + a));
        }
        out += ',';
        fmt::integer(out, static_cast<std::uint64_t>(seeds));
        for (std::size_t k = 0; k < kpis.size(); ++k) {
            std::vector<double> values;
            for (const auto& f : fields)
                if (const auto v = parse_double(f.at(first_kpi + k))) values.push_back(*v);
            const PairedDifference d = paired_difference(values);
            out += ',';
            if (!values.empty()) fmt::fixed(out, d.mean, 6);
            out += ',';
            if (d.half_width) fmt::fixed(out, *d.half_width, 6);
            if (kpis[k]->optional) {
                out += ',';
                fmt::integer(out, static_cast<std::uint64_t>(values.size()));
            }
        }
        out += '\n';
    }
    return out;
}

// [SECTION] The sweep folder -----------------------------------------------------------------

namespace {

constexpr const char* kMarker = ".cbsim-sweep";
constexpr std::string_view kMarkerText =
    "cbsim sweep folder; its files are replaced by the next sweep into it\n";
constexpr const char* kFiles[] = {kMarker,   "sweep.toml", "scenario.toml", "sweep.info",
                                  "journal", "sweep.csv",  "points.csv",    "recommended.toml"};
/// Files of a run that belong to another sweep once the spec changed.
constexpr const char* kResults[] = {"journal", "sweep.csv", "points.csv", "recommended.toml"};

bool known_file(const std::string& name) {
    for (const char* f : kFiles) {
        if (name == f) return true;
        if (name.rfind(std::string(".") + f + ".tmp-", 0) == 0) return true;
    }
    return false;
}

std::string read_text(const fs::path& p, bool& ok) {
    std::ifstream in(p, std::ios::binary);
    ok = static_cast<bool>(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string sweep_info(const SweepPlan& plan, std::size_t shard, std::size_t shards) {
    return "spec_hash = \"" + plan.hash + "\"\nshard = \"" + std::to_string(shard) + "/" +
           std::to_string(shards) + "\"\ntasks = " + std::to_string(task_count(plan.spec)) + "\n";
}

}  // namespace

std::string check_sweep_folder(const std::string& dir_as_given) {
    if (dir_as_given.empty()) return "the sweep folder name is empty";
    const std::string dir = sim::normalise_folder(dir_as_given).string();
    std::error_code ec;
    const fs::path p(dir);
    const auto st = fs::symlink_status(p, ec);
    if (st.type() == fs::file_type::not_found) {
        const fs::path parent = p.has_parent_path() ? p.parent_path() : fs::path(".");
        if (!fs::is_directory(parent, ec))
            return dir + ": its parent " + parent.string() + " is not an existing directory";
        if (::access(parent.c_str(), W_OK) != 0)
            return dir + ": cannot create it in " + parent.string() + ": " + std::strerror(errno);
        // Prove it can be made (a name past NAME_MAX, a path under /proc): bad input, not a
        // failure half-way.
        if (::mkdir(p.c_str(), 0755) != 0)
            return dir + ": cannot create it: " + std::strerror(errno);
        ::rmdir(p.c_str());
        return {};
    }
    if (st.type() != fs::file_type::directory)
        return dir + ": is not a directory (a sweep writes a folder)";
    if (::access(p.c_str(), W_OK) != 0) return dir + ": not writable: " + std::strerror(errno);
    bool marker = false;
    std::size_t entries = 0;
    for (const auto& entry : fs::directory_iterator(p, ec)) {
        ++entries;
        const std::string name = entry.path().filename().string();
        if (entry.symlink_status(ec).type() != fs::file_type::regular || !known_file(name))
            return dir + ": holds '" + name +
                   "', which is not part of a sweep folder; a sweep writes only into a new or "
                   "empty directory or an earlier sweep folder";
        marker = marker || name == kMarker;
    }
    if (ec) return dir + ": cannot list it: " + ec.message();
    if (entries > 0 && !marker)
        return dir + ": has no marker " + std::string(kMarker) +
               ", so it is not a sweep folder; a sweep writes only into a new or empty "
               "directory or an earlier sweep folder";
    return {};
}

namespace {

/// Makes `dir` a sweep folder of `plan`'s shard: checked, created, marker and the spec files
/// written; results of another sweep (other hash or shard) removed. Sets `resume` when its
/// journal belongs to this sweep and shard.
std::string prepare_folder(const SweepPlan& plan, const std::string& dir, std::size_t shard,
                           std::size_t shards, bool& bad_input) {
    bad_input = true;
    if (std::string e = check_sweep_folder(dir); !e.empty()) return e;
    bad_input = false;
    std::error_code ec;
    const fs::path p(dir);
    if (!fs::exists(p, ec) && !fs::create_directory(p, ec))
        return dir + ": cannot create it: " + ec.message();
    const std::string info = sweep_info(plan, shard, shards);
    bool ok = false;
    const std::string old = read_text(p / "sweep.info", ok);
    if (!ok || old != info) {
        for (const char* f : kResults)
            fs::remove(p / f, ec);
    }
    if (std::string e = write_file_atomic((p / kMarker).string(), kMarkerText); !e.empty())
        return e;
    if (std::string e =
            write_file_atomic((p / "sweep.toml").string(), sweep_spec_toml(plan, "scenario.toml"));
        !e.empty())
        return e;
    if (std::string e =
            write_file_atomic((p / "scenario.toml").string(), scenario_to_toml(plan.base));
        !e.empty())
        return e;
    return write_file_atomic((p / "sweep.info").string(), info);
}

// [SECTION] The journal ----------------------------------------------------------------------

/// "TASK HASH ROW\n": HASH = FNV-1a 64 of "TASK ROW", so a torn or altered line is dropped.
std::string journal_line(std::size_t task, const std::string& row) {
    const std::string body = std::to_string(task) + " " + row;
    return std::to_string(task) + " " + sim::fnv1a64_hex(body) + " " + row + "\n";
}

std::string journal_header(const SweepPlan& plan, std::size_t shard, std::size_t shards) {
    return "cbsim-sweep-journal " + plan.hash + " " + std::to_string(shard) + "/" +
           std::to_string(shards) + "\n";
}

/// Reads the journal: rows[t] for each valid line of a task of this shard; returns the byte
/// length of the valid prefix (header and whole lines), 0 when the header does not match.
std::size_t read_journal(const std::string& text, const std::string& header, std::size_t shard,
                         std::size_t shards, std::vector<std::optional<std::string>>& rows) {
    if (text.rfind(header, 0) != 0) return 0;
    std::size_t pos = header.size();
    while (pos < text.size()) {
        const auto nl = text.find('\n', pos);
        if (nl == std::string::npos) break;  // torn last line
        const std::string_view line(text.data() + pos, nl - pos);
        const auto s1 = line.find(' ');
        const auto s2 = s1 == std::string_view::npos ? s1 : line.find(' ', s1 + 1);
        if (s2 == std::string_view::npos) break;
        std::size_t task = 0;
        const auto r = std::from_chars(line.data(), line.data() + s1, task);
        const std::string_view row = line.substr(s2 + 1);
        std::string body(line.substr(0, s1));
        body += ' ';
        body += row;
        if (r.ec != std::errc() || r.ptr != line.data() + s1 || task >= rows.size() ||
            task % shards != shard || line.substr(s1 + 1, s2 - s1 - 1) != sim::fnv1a64_hex(body))
            break;  // a damaged line: it and what follows are run again
        if (!rows[task]) rows[task] = std::string(row);
        pos = nl + 1;
    }
    return pos;
}

std::string errno_text(const std::string& what, int err) {
    return what + ": " + std::strerror(err);
}

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

/// Writes sweep.csv (the shard's rows in task order) and, for a whole sweep, points.csv.
std::string write_results(const SweepPlan& plan, const fs::path& dir, std::size_t shard,
                          std::size_t shards, const std::vector<std::optional<std::string>>& rows) {
    std::string csv = sweep_csv_header(plan.spec) + "\n";
    std::vector<std::string> all;
    for (std::size_t t = shard; t < rows.size(); t += shards) {
        csv += *rows[t];
        csv += '\n';
        if (shards == 1) all.push_back(*rows[t]);
    }
    if (std::string e = write_file_atomic((dir / "sweep.csv").string(), csv); !e.empty()) return e;
    if (shards > 1) return {};
    return write_file_atomic((dir / "points.csv").string(), points_csv(plan, all));
}

}  // namespace

// [SECTION] Running --------------------------------------------------------------------------

std::string run_sweep(const SweepPlan& plan, const std::string& dir_as_given, const SweepOptions& o,
                      bool& bad_input) {
    bad_input = true;
    if (dir_as_given.empty()) return "the sweep folder name is empty";
    const std::string dir = sim::normalise_folder(dir_as_given).string();  // "out/" -> "out"
    if (o.shards < 1 || o.shard >= o.shards)
        return "shard " + std::to_string(o.shard) + "/" + std::to_string(o.shards) +
               " is out of range; expected I/N with 0 <= I < N";
    if (o.jobs < 1) return "jobs must be at least 1";
    std::string e;
    {
        const fs::path p(dir);
        DirectoryLock parent(p.has_parent_path() ? p.parent_path().string() : ".");
        e = prepare_folder(plan, dir, o.shard, o.shards, bad_input);
    }
    if (!e.empty()) return e;
    bad_input = false;
    const fs::path folder(dir);
    DirectoryLock lock(dir);  // one sweep at a time in a folder

    const std::size_t total_tasks = task_count(plan.spec);
    std::vector<std::optional<std::string>> rows(total_tasks);
    const std::string header = journal_header(plan, o.shard, o.shards);
    const fs::path journal_path = folder / "journal";
    bool ok = false;
    const std::string old = read_text(journal_path, ok);
    const std::size_t valid = ok ? read_journal(old, header, o.shard, o.shards, rows) : 0;
    const int fd = ::open(journal_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return errno_text(journal_path.string() + ": cannot open the journal", errno);
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    // Drop a torn or foreign tail so appends start on a fresh line.
    if (::ftruncate(fd, static_cast<off_t>(valid)) != 0 ||
        ::lseek(fd, static_cast<off_t>(valid), SEEK_SET) < 0 ||
        (valid == 0 && !write_all(fd, header)) || ::fsync(fd) != 0)
        return errno_text(journal_path.string() + ": cannot write the journal", errno);

    // The tasks of this shard, and those still to run.
    const std::size_t per_point = plan.spec.profiles.size() * plan.spec.seeds;
    std::vector<std::size_t> pending;
    std::vector<std::size_t> left_in_point(point_count(plan.spec), 0);
    SweepProgress progress;
    for (std::size_t t = o.shard; t < total_tasks; t += o.shards) {
        ++progress.total;
        if (rows[t]) {
            ++progress.done;
            ++progress.resumed;
        } else {
            pending.push_back(t);
            ++left_in_point[t / per_point];
        }
    }
    for (std::size_t t = o.shard; t < total_tasks; t += o.shards) {
        if (t % o.shards != o.shard) continue;
        // Count each point once: at its first task of this shard.
        const std::size_t point = t / per_point;
        const std::size_t first = point * per_point;
        const std::size_t first_of_shard =
            first + (o.shard + o.shards - first % o.shards) % o.shards;
        if (t != first_of_shard) continue;
        ++progress.points_total;
        if (left_in_point[point] == 0) ++progress.points_done;
    }
    if (o.progress) o.progress(progress);

    std::mutex mutex;
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    std::string error;
    auto last_sync = std::chrono::steady_clock::now();
    const auto worker = [&] {
        while (!stop.load()) {
            const std::size_t i = next.fetch_add(1);
            if (i >= pending.size()) return;
            const std::size_t t = pending[i];
            std::string row;
            try {
                row = run_sweep_task(plan, t);
            } catch (const std::bad_alloc&) {
                std::lock_guard<std::mutex> g(mutex);
                if (error.empty())
                    error = "out of memory in task " + std::to_string(t) +
                            "; use fewer --jobs, a shorter duration or less traffic";
                stop = true;
                return;
            } catch (const std::exception& ex) {
                std::lock_guard<std::mutex> g(mutex);
                if (error.empty()) error = "task " + std::to_string(t) + ": " + ex.what();
                stop = true;
                return;
            }
            std::lock_guard<std::mutex> g(mutex);
            if (!write_all(fd, journal_line(t, row))) {
                if (error.empty())
                    error = errno_text(journal_path.string() + ": cannot write the journal", errno);
                stop = true;
                return;
            }
            const auto now = std::chrono::steady_clock::now();
            if (now - last_sync > std::chrono::milliseconds(500)) {
                ::fdatasync(fd);
                last_sync = now;
            }
            rows[t] = std::move(row);
            ++progress.done;
            if (--left_in_point[t / per_point] == 0) ++progress.points_done;
            if (o.progress) o.progress(progress);
        }
    };
    {
        std::vector<std::jthread> threads;
        const unsigned n = static_cast<unsigned>(
            std::min<std::size_t>(o.jobs, std::max<std::size_t>(pending.size(), 1)));
        for (unsigned j = 1; j < n; ++j)
            threads.emplace_back(worker);
        worker();
    }
    if (::fsync(fd) != 0 && error.empty())
        error = errno_text(journal_path.string() + ": cannot write the journal", errno);
    if (!error.empty()) return error;
    return write_results(plan, folder, o.shard, o.shards, rows);
}

// [SECTION] Merging shards -------------------------------------------------------------------

std::string merge_sweep_shards(std::span<const std::string> shard_dirs,
                               const std::string& dir_as_given, bool& bad_input) {
    bad_input = true;
    if (dir_as_given.empty()) return "the sweep folder name is empty";
    const std::string dir = sim::normalise_folder(dir_as_given).string();
    if (shard_dirs.empty()) return "no shard folders given";
    std::optional<SweepPlan> plan;
    std::size_t shards = 0;
    std::vector<std::optional<std::string>> rows;
    std::vector<bool> seen;
    for (const std::string& sd : shard_dirs) {
        const fs::path p(sd);
        bool ok = false;
        const std::string info = read_text(p / "sweep.info", ok);
        if (!ok || !fs::exists(p / kMarker))
            return sd + ": not a sweep shard folder (no " + std::string(kMarker) +
                   " and sweep.info); give the --out folders of `cbsim-cli sweep SPEC --shard I/N`";
        SweepPlan sp;
        try {
            sp = load_sweep((p / "sweep.toml").string());
        } catch (const ConfigError& e) {
            return sd + ": " + e.what();
        }
        // "shard = \"I/N\"" of sweep.info, checked against the plan's own info.
        const auto at = info.find("shard = \"");
        std::size_t i = 0, n = 0;
        if (at != std::string::npos) {
            const char* b = info.data() + at + 9;
            const char* end = info.data() + info.size();
            auto r = std::from_chars(b, end, i);
            if (r.ec == std::errc() && r.ptr < end && *r.ptr == '/')
                r = std::from_chars(r.ptr + 1, end, n);
            if (r.ec != std::errc()) n = 0;
        }
        if (n == 0 || i >= n || info != sweep_info(sp, i, n))
            return sd + ": its sweep.info does not match its sweep.toml and scenario.toml (" +
                   "edited, or of another cbsim version); run the shard again";
        if (!plan) {
            plan = std::move(sp);
            shards = n;
            rows.resize(task_count(plan->spec));
            seen.assign(n, false);
        } else if (sp.hash != plan->hash) {
            return sd + ": a shard of another sweep (spec hash " + sp.hash + ", expected " +
                   plan->hash + " as in " + shard_dirs.front() + ")";
        } else if (n != shards) {
            return sd + ": shard " + std::to_string(i) + "/" + std::to_string(n) +
                   " of a split into " + std::to_string(n) + ", expected " +
                   std::to_string(shards) + " as in " + shard_dirs.front();
        }
        if (seen[i]) return sd + ": shard " + std::to_string(i) + " is given twice";
        seen[i] = true;
        const std::string csv = read_text(p / "sweep.csv", ok);
        if (!ok)
            return sd + ": shard " + std::to_string(i) + "/" + std::to_string(n) +
                   " is not finished (no sweep.csv); run it again to resume it";
        const std::vector<std::string> lines = lines_of(csv);
        std::size_t k = 1;
        for (std::size_t t = i; t < rows.size(); t += n, ++k) {
            if (k >= lines.size() || lines.front() != sweep_csv_header(plan->spec))
                return sd + ": its sweep.csv is incomplete or altered; run the shard again";
            rows[t] = lines[k];
        }
        if (k != lines.size())
            return sd + ": its sweep.csv has more rows than its tasks; run the shard again";
    }
    for (std::size_t i = 0; i < shards; ++i)
        if (!seen[i])
            return "shard " + std::to_string(i) + "/" + std::to_string(shards) +
                   " is missing; give every shard folder 0.." + std::to_string(shards - 1);
    std::string e;
    {
        const fs::path p(dir);
        DirectoryLock parent(p.has_parent_path() ? p.parent_path().string() : ".");
        e = prepare_folder(*plan, dir, 0, 1, bad_input);
    }
    if (!e.empty()) return e;
    bad_input = false;
    DirectoryLock lock(dir);
    // The journal of the whole sweep: running it again into DIR finds every task done.
    std::string journal = journal_header(*plan, 0, 1);
    for (std::size_t t = 0; t < rows.size(); ++t)
        journal += journal_line(t, *rows[t]);
    if (std::string w = write_file_atomic((fs::path(dir) / "journal").string(), journal);
        !w.empty())
        return w;
    return write_results(*plan, dir, 0, 1, rows);
}

// [SECTION] Recommendation -------------------------------------------------------------------

namespace {

double or_inf(const std::optional<double>& v) {
    return v ? *v : std::numeric_limits<double>::infinity();
}

bool better(const PointScore& a, const PointScore& b) {
    if (or_inf(a.detection_delay_s) != or_inf(b.detection_delay_s))
        return or_inf(a.detection_delay_s) < or_inf(b.detection_delay_s);
    if (a.good_rejected != b.good_rejected) return a.good_rejected < b.good_rejected;
    if (a.false_trips_per_hour != b.false_trips_per_hour)
        return a.false_trips_per_hour < b.false_trips_per_hour;
    return a.point < b.point;
}

/// How long profile `p`'s fault lasts in a run of `s`: from at_s to end_s, or to the run's end.
double fault_length_s(const FaultProfile& p, const Scenario& s) {
    const double end = p.end_s >= 0 ? p.end_s : to_s(s.duration());
    return std::max(0.0, end - p.at_s);
}

std::string shown(const std::optional<double>& v, int decimals) {
    return v ? fmt::fixed(*v, decimals) : std::string("never");
}

}  // namespace

PointScore score_point(const SweepPlan& plan, std::size_t pt, std::string_view header_line,
                       std::span<const std::string> lines, const std::string& file,
                       int first_line) {
    const SweepSpec& spec = plan.spec;
    const std::size_t profiles = spec.profiles.size();
    if (lines.size() != profiles)
        throw ConfigError(file, first_line, "",
                          "expected " + std::to_string(profiles) + " rows for point " +
                              std::to_string(pt) + " (one per profile)");
    const std::vector<std::string> header = split_csv(header_line);
    const auto column = [&](std::string_view name) {
        const auto it = std::find(header.begin(), header.end(), name);
        if (it == header.end()) {
            const std::vector<std::string> kept = sweep_kpi_columns(spec);
            const bool dropped = !spec.kpis.empty() &&
                                 std::none_of(kept.begin(), kept.end(), [&](const std::string& k) {
                                     return name.rfind(k, 0) == 0;
                                 });
            throw ConfigError(file, 1, std::string(name),
                              dropped ? "column missing: the sweep's kpis list leaves it out; "
                                        "recommend needs detection_delay_s, opens_per_hour, "
                                        "false_trips_per_hour and good_rejected"
                                      : "column missing; the file is not a points.csv of this "
                                        "version");
        }
        return static_cast<std::size_t>(it - header.begin());
    };
    const std::size_t c_delay = column("detection_delay_s");
    const std::size_t c_delay_n = column("detection_delay_s_n");
    // False trips: every open under a healthy profile; with no healthy profile, the opens
    // summary.json counts as false trips (below the breaker's threshold) under every profile.
    const std::size_t c_opens_ph = column("opens_per_hour");
    const std::size_t c_false_ph = column("false_trips_per_hour");
    const std::size_t c_good = column("good_rejected");
    bool any_healthy = false;
    for (const FaultProfile& fp : spec.profiles)
        any_healthy = any_healthy || fp.kind == FaultKind::healthy;
    PointScore s;
    s.point = pt;
    for (const SettingValue& v : point_values(spec, pt))
        s.values.push_back(to_string(v));
    const Scenario ps = point_scenario(plan, pt);
    const auto preset = get_setting(ps, spec.edge + ".breaker.preset");
    s.preset = preset && std::holds_alternative<std::string>(*preset)
                   ? std::get<std::string>(*preset)
                   : "none";
    double delay_sum = 0, ftph_sum = 0, good_sum = 0, detected_sum = 0;
    std::size_t faults = 0, ftph_n = 0;
    bool undetected = false;
    const double seeds = static_cast<double>(spec.seeds);
    for (std::size_t pr = 0; pr < profiles; ++pr) {
        const int line = first_line + static_cast<int>(pr);
        const std::vector<std::string> f = split_csv(lines[pr]);
        const auto num = [&](std::size_t c) -> std::optional<double> {
            if (c >= f.size()) throw ConfigError(file, line, header[c], "field missing");
            return parse_double(f[c]);
        };
        const bool healthy = spec.profiles[pr].kind == FaultKind::healthy;
        if (!healthy) {
            ++faults;
            const auto n = num(c_delay_n);
            const auto d = num(c_delay);
            if (!n || *n == 0 || !d) {
                undetected = true;
            } else {
                // A seed that missed the fault counts as detecting it at the fault's end.
                const double hit = std::min(*n, seeds);
                detected_sum += hit;
                delay_sum +=
                    (*d * hit + fault_length_s(spec.profiles[pr], ps) * (seeds - hit)) / seeds;
            }
        }
        if (healthy || !any_healthy) {
            ftph_sum += num(healthy ? c_opens_ph : c_false_ph).value_or(0.0);
            ++ftph_n;
        }
        good_sum += num(c_good).value_or(0.0);
    }
    if (faults > 0 && !undetected) s.detection_delay_s = delay_sum / static_cast<double>(faults);
    s.detected = faults > 0 ? detected_sum / (seeds * static_cast<double>(faults)) : 0.0;
    s.false_trips_per_hour = ftph_n ? ftph_sum / static_cast<double>(ftph_n) : 0.0;
    s.good_rejected = good_sum / static_cast<double>(profiles);
    return s;
}

std::vector<std::size_t> pareto_front(std::span<const PointScore> points) {
    // No other point at least as good in all three and better in one.
    std::vector<std::size_t> front;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const PointScore& a = points[i];
        bool dominated = false;
        for (std::size_t j = 0; j < points.size() && !dominated; ++j) {
            const PointScore& b = points[j];
            const bool le = or_inf(b.detection_delay_s) <= or_inf(a.detection_delay_s) &&
                            b.false_trips_per_hour <= a.false_trips_per_hour &&
                            b.good_rejected <= a.good_rejected;
            const bool lt = or_inf(b.detection_delay_s) < or_inf(a.detection_delay_s) ||
                            b.false_trips_per_hour < a.false_trips_per_hour ||
                            b.good_rejected < a.good_rejected;
            dominated = j != i && le && lt;
        }
        if (!dominated) front.push_back(i);
    }
    std::sort(front.begin(), front.end(),
              [&](std::size_t a, std::size_t b) { return better(points[a], points[b]); });
    return front;
}

Recommendation recommend(const std::string& dir, std::optional<double> max_ftph,
                         std::optional<double> max_delay) {
    Recommendation r;
    const fs::path p(dir);
    const std::string points_path = (p / "points.csv").string();
    if (!fs::exists(p / kMarker) || !fs::exists(p / "sweep.toml"))
        throw ConfigError(dir, 0, "",
                          "not a sweep folder (no " + std::string(kMarker) +
                              " and sweep.toml); give the --out folder of a sweep");
    r.plan = load_sweep((p / "sweep.toml").string());
    bool ok = false;
    const std::string text = read_text(points_path, ok);
    if (!ok)
        throw ConfigError(points_path, 0, "",
                          "missing: the sweep is not finished (or is a shard: merge the shards "
                          "with `cbsim-cli sweep merge`)");
    const std::vector<std::string> lines = lines_of(text);
    const SweepSpec& spec = r.plan.spec;
    const std::size_t profiles = spec.profiles.size();
    const std::size_t points = point_count(spec);
    if (lines.size() != points * profiles + 1)
        throw ConfigError(points_path, static_cast<int>(lines.size()), "",
                          "expected " + std::to_string(points * profiles) +
                              " rows (points x profiles); the file is incomplete or altered");
    for (std::size_t pt = 0; pt < points; ++pt) {
        const std::size_t first = 1 + pt * profiles;
        r.points.push_back(score_point(r.plan, pt, lines[0],
                                       std::span<const std::string>(lines).subspan(first, profiles),
                                       points_path, static_cast<int>(first) + 1));
    }
    r.pareto = pareto_front(r.points);
    // Best per preset under the constraints.
    for (std::size_t i = 0; i < r.points.size(); ++i) {
        const PointScore& s = r.points[i];
        auto it = std::find_if(r.best_per_preset.begin(), r.best_per_preset.end(),
                               [&](const auto& b) { return b.first == s.preset; });
        if (it == r.best_per_preset.end()) {
            r.best_per_preset.emplace_back(s.preset, std::nullopt);
            it = std::prev(r.best_per_preset.end());
        }
        const bool fits = (!max_ftph || s.false_trips_per_hour <= *max_ftph) &&
                          (!max_delay || (s.detected >= 1.0 && s.detection_delay_s &&
                                          *s.detection_delay_s <= *max_delay));
        if (!fits) continue;
        if (!it->second || better(s, r.points[*it->second])) it->second = i;
    }
    for (const auto& [preset, best] : r.best_per_preset) {
        if (!best || preset == "none") continue;
        if (!r.chosen || better(r.points[*best], r.points[*r.chosen])) r.chosen = best;
    }
    return r;
}

std::string recommended_breaker_toml(const Recommendation& r) {
    if (!r.chosen) return {};
    const PointScore& s = r.points[*r.chosen];
    const Scenario ps = point_scenario(r.plan, s.point);
    const auto arrow = r.plan.spec.edge.find("->");
    const Service* caller = ps.find_service(r.plan.spec.edge.substr(0, arrow));
    const std::string target = r.plan.spec.edge.substr(arrow + 2);
    const BreakerConfig* config = nullptr;
    for (const Dependency& d : caller->dependencies)
        if (d.target == target && d.breaker) config = &*d.breaker;
    if (config == nullptr) return {};
    std::string out =
        "# cbsim recommend: edge " + r.plan.spec.edge + ", sweep point " + std::to_string(s.point);
    for (std::size_t a = 0; a < s.values.size(); ++a)
        out += (a == 0 ? " (" : ", ") + r.plan.spec.axes[a].path + " = " + s.values[a];
    out += s.values.empty() ? "\n" : ")\n";
    out += "# detection delay " + shown(s.detection_delay_s, 3) + " s (detected in " +
           fmt::fixed(100.0 * s.detected, 1) + " % of the faulty runs), false trips " +
           fmt::fixed(s.false_trips_per_hour, 3) + " per hour, good calls rejected " +
           fmt::fixed(s.good_rejected, 1) + " (means over seeds and profiles)\n";
    return out + to_toml(*config);
}

std::string recommendation_text(const Recommendation& r) {
    const auto row = [&](const PointScore& s) {
        std::string out = "  point " + std::to_string(s.point) + " [" + s.preset + "]";
        for (std::size_t a = 0; a < s.values.size(); ++a)
            out += " " + r.plan.spec.axes[a].path + "=" + s.values[a];
        out += ": detection " + shown(s.detection_delay_s, 3) + " s (detected " +
               fmt::fixed(100.0 * s.detected, 1) + " %), false trips " +
               fmt::fixed(s.false_trips_per_hour, 3) + "/h, good rejected " +
               fmt::fixed(s.good_rejected, 1) + "\n";
        return out;
    };
    std::string out =
        "Pareto front (detection delay, false trips per hour, good calls "
        "rejected; lower is better), " +
        std::to_string(r.pareto.size()) + " of " + std::to_string(r.points.size()) + " points:\n";
    for (std::size_t i : r.pareto)
        out += row(r.points[i]);
    out += "\nbest point per preset under the constraints:\n";
    for (const auto& [preset, best] : r.best_per_preset) {
        if (best)
            out += row(r.points[*best]);
        else
            out += "  [" + preset + "] no point meets the constraints\n";
    }
    return out;
}

}  // namespace cbsim
