// export.cpp: timeseries.csv, services.csv, events.csv and the run folder.
#include "cbsim/export.hpp"

#include <filesystem>
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

/// The recorder's rows of one series plus the partial bucket at now().
template <typename Row>
std::vector<Row> with_partial(std::vector<Row> rows, const Row* partial, bool last_filling) {
    if (partial == nullptr) return rows;
    if (last_filling && !rows.empty())
        rows.back() = merge_rows(rows.back(), *partial);
    else
        rows.push_back(*partial);
    return rows;
}

}  // namespace

std::string timeseries_csv(const Run& run) {
    const Recorder& rec = run.recorder();
    const Run::PartialBucket partial = run.partial_bucket();
    const bool filling = rec.last_row_buckets() > 0;
    const SimTime res = rec.resolution();
    const int td = time_decimals(run.scenario().resolution_ms * kMillisecond);
    std::vector<std::vector<EdgeRow>> series;
    std::size_t rows = 0;
    for (std::size_t e = 0; e < rec.edge_names().size(); ++e) {
        series.push_back(with_partial(
            rec.edge_rows(e), partial.edges.empty() ? nullptr : &partial.edges[e], filling));
        rows = std::max(rows, series.back().size());
    }
    std::string out =
        "t_s,edge,state,calls,allowed,rejected,successes,failures,timeouts,retries,fallbacks,"
        "failure_rate,latency_p50_ms,latency_p99_ms,inflight,bulkhead_rejected,open_instances\n";
    out.reserve(out.size() + rows * series.size() * 80);
    for (std::size_t i = 0; i < rows; ++i) {
        for (std::size_t e = 0; e < series.size(); ++e) {
            if (i >= series[e].size()) continue;
            const EdgeRow& r = series[e][i];
            time_field(out, static_cast<SimTime>(i) * res, td);
            out += ',';
            fmt::csv_field(out, rec.edge_names()[e]);
            out += ',';
            out += to_string(r.state);
            for (std::uint32_t v : {r.calls, r.allowed, r.rejected, r.successes, r.failures,
                                    r.timeouts, r.retries, r.fallbacks}) {
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
        }
    }
    return out;
}

std::string services_csv(const Run& run) {
    const Recorder& rec = run.recorder();
    const Run::PartialBucket partial = run.partial_bucket();
    const bool filling = rec.last_row_buckets() > 0;
    const SimTime res = rec.resolution();
    const int td = time_decimals(run.scenario().resolution_ms * kMillisecond);
    std::vector<std::vector<ServiceRow>> series;
    std::size_t rows = 0;
    for (std::size_t s = 0; s < rec.service_names().size(); ++s) {
        series.push_back(with_partial(rec.service_rows(s),
                                      partial.services.empty() ? nullptr : &partial.services[s],
                                      filling));
        rows = std::max(rows, series.back().size());
    }
    std::string out = "t_s,service,arrivals,served,dropped,queue,busy,utilisation\n";
    for (std::size_t i = 0; i < rows; ++i) {
        for (std::size_t s = 0; s < series.size(); ++s) {
            if (i >= series[s].size()) continue;
            const ServiceRow& r = series[s][i];
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
        }
    }
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
    const std::pair<const char*, std::string> files[] = {
        {"timeseries.csv", timeseries_csv(run)},
        {"services.csv", services_csv(run)},
        {"events.csv", events_csv(run)},
        {"scenario.toml", std::string(scenario_toml)},
        {"summary.json", summary_json(run.summary())},
    };
    std::error_code ec;
    const fs::path target(dir);
    if (fs::exists(target, ec)) {
        if (!fs::is_directory(target, ec)) return dir + ": exists and is not a directory";
        for (const auto& [name, content] : files) {
            if (std::string e = write_file_atomic((target / name).string(), content); !e.empty())
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
    for (const auto& [name, content] : files) {
        if (std::string e = write_file_atomic((staging / name).string(), content); !e.empty()) {
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
