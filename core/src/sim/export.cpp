// export.cpp: timeseries.csv, services.csv, events.csv and the run folder.
#include "cbsim/export.hpp"

#include <filesystem>
#include <functional>
#include <system_error>

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

/// Calls emit(index, series, row) for every row in time order (series by series within a
/// bucket), the bucket still open at now() included, fetching rows in chunks so a long run is
/// never copied whole.
template <typename Row, typename Fetch, typename Emit>
void for_each_row(std::size_t series, std::size_t recorded, bool filling,
                  const std::vector<Row>& partial, Fetch fetch, Emit emit) {
    const bool merge_last = !partial.empty() && filling && recorded > 0;
    const std::size_t total = recorded + (!partial.empty() && !merge_last ? 1 : 0);
    constexpr std::size_t kChunk = 16384;
    std::vector<std::vector<Row>> chunk(series);
    for (std::size_t first = 0; first < total; first += kChunk) {
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

}  // namespace

std::string timeseries_csv(const Run& run) {
    const Recorder& rec = run.recorder();
    const Run::PartialBucket partial = run.partial_bucket();
    const bool filling = rec.last_row_buckets() > 0;
    const SimTime res = rec.resolution();
    const int td = time_decimals(run.scenario().resolution_ms * kMillisecond);
    std::string out =
        "t_s,edge,state,calls,allowed,rejected,successes,failures,timeouts,retries,fallbacks,"
        "failure_rate,latency_p50_ms,latency_p99_ms,inflight,bulkhead_rejected,open_instances\n";
    out.reserve(out.size() + rec.row_count() * rec.edge_names().size() * 80);
    auto fetch = [&](std::size_t e, std::size_t first, std::size_t count) {
        return rec.edge_rows(e, first, count);
    };
    auto emit = [&](std::size_t i, std::size_t e, const EdgeRow& r) {
        time_field(out, static_cast<SimTime>(i) * res, td);
        out += ',';
        fmt::csv_field(out, rec.edge_names()[e]);
        out += ',';
        out += to_string(r.state);
        for (std::uint32_t v : {r.calls, r.allowed, r.rejected, r.successes, r.failures, r.timeouts,
                                r.retries, r.fallbacks}) {
            out += ',';
            fmt::integer(out, std::uint64_t{v});
        }
        out += ',';
        fmt::fixed(out, r.value(EdgeColumn::failure_rate), 4);
        out += ',';
        fmt::fixed(out, static_cast<double>(r.latency_p50_ms), 3);
        out += ',';
        fmt::fixed(out, static_cast<double>(r.latency_p99_ms), 3);
        for (std::uint32_t v :
             {r.inflight, r.bulkhead_rejected, static_cast<std::uint32_t>(r.open_instances)}) {
            out += ',';
            fmt::integer(out, std::uint64_t{v});
        }
        out += '\n';
    };
    for_each_row(rec.edge_names().size(), rec.row_count(), filling, partial.edges, fetch, emit);
    return out;
}

std::string services_csv(const Run& run) {
    const Recorder& rec = run.recorder();
    const Run::PartialBucket partial = run.partial_bucket();
    const bool filling = rec.last_row_buckets() > 0;
    const SimTime res = rec.resolution();
    const int td = time_decimals(run.scenario().resolution_ms * kMillisecond);
    std::string out = "t_s,service,arrivals,served,dropped,queue,busy,utilisation\n";
    auto fetch = [&](std::size_t s, std::size_t first, std::size_t count) {
        return rec.service_rows(s, first, count);
    };
    auto emit = [&](std::size_t i, std::size_t s, const ServiceRow& r) {
        time_field(out, static_cast<SimTime>(i) * res, td);
        out += ',';
        fmt::csv_field(out, rec.service_names()[s]);
        for (std::uint32_t v : {r.arrivals, r.served, r.dropped, r.queue}) {
            out += ',';
            fmt::integer(out, std::uint64_t{v});
        }
        out += ',';
        fmt::fixed(out, static_cast<double>(r.busy), 3);
        out += ',';
        fmt::fixed(out, static_cast<double>(r.utilisation), 4);
        out += '\n';
    };
    for_each_row(rec.service_names().size(), rec.row_count(), filling, partial.services, fetch,
                 emit);
    return out;
}

std::string events_csv(const Run& run) {
    std::string out = "t_s,edge,instance,from,to,reason\n";
    for (const EventRecord& e : run.recorder().events()) {
        time_field(out, e.at, 6);
        out += ',';
        fmt::csv_field(out, e.edge);
        out += ',';
        if (e.instance >= 0)
            fmt::integer(out, std::int64_t{e.instance});
        else
            out += e.kind == EventRecord::Kind::transition ? "shared" : "";
        out += ',';
        fmt::csv_field(out, e.from);
        out += ',';
        fmt::csv_field(out, e.to);
        out += ',';
        fmt::csv_field(out, e.reason);
        out += '\n';
    }
    return out;
}

std::string write_run_folder(const Run& run, const std::string& dir,
                             std::string_view scenario_toml) {
    namespace fs = std::filesystem;
    // Built one at a time, so a long run's CSV text is held once, not five files at once.
    const std::pair<const char*, std::function<std::string()>> files[] = {
        {"timeseries.csv", [&] { return timeseries_csv(run); }},
        {"services.csv", [&] { return services_csv(run); }},
        {"events.csv", [&] { return events_csv(run); }},
        {"scenario.toml", [&] { return std::string(scenario_toml); }},
        {"summary.json", [&] { return summary_json(run.summary()); }},
    };
    std::error_code ec;
    const fs::path target(dir);
    if (fs::exists(target, ec)) {
        if (!fs::is_directory(target, ec)) return dir + ": exists and is not a directory";
        for (const auto& [name, make] : files) {
            if (std::string e = write_file_atomic((target / name).string(), make()); !e.empty())
                return e;
        }
        return {};
    }
    fs::path parent = target.parent_path();
    if (parent.empty()) parent = ".";
    if (!fs::is_directory(parent, ec))
        return dir + ": parent directory " + parent.string() + " does not exist";
    const fs::path staging = parent / (target.filename().string() + ".staging");
    fs::remove_all(staging, ec);
    if (!fs::create_directory(staging, ec))
        return staging.string() + ": cannot create the staging directory: " + ec.message();
    for (const auto& [name, make] : files) {
        if (std::string e = write_file_atomic((staging / name).string(), make()); !e.empty()) {
            fs::remove_all(staging, ec);
            return e;
        }
    }
    if (std::string e = publish_directory(staging.string(), target.string()); !e.empty()) {
        fs::remove_all(staging, ec);
        return e;
    }
    return {};
}

}  // namespace cbsim
