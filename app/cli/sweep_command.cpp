// sweep_command.cpp: a sweep over a grid of settings, its shards and their merge.
#include "sweep_command.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <thread>

#include "cbsim/error.hpp"
#include "cbsim/sweep.hpp"
#include "output.hpp"

namespace cbsim::cli {

namespace {

constexpr const char* kCommand = "cbsim-cli sweep: ";
constexpr unsigned kMaxJobs = 256;
constexpr std::size_t kMaxShards = 100000;

/// "I/N" with 0 <= I < N <= kMaxShards.
bool parse_shard(const std::string& text, std::size_t& shard, std::size_t& shards) {
    const auto slash = text.find('/');
    if (slash == std::string::npos) return false;
    const char* b = text.data();
    const char* e = b + text.size();
    auto r = std::from_chars(b, b + slash, shard);
    if (r.ec != std::errc() || r.ptr != b + slash) return false;
    r = std::from_chars(b + slash + 1, e, shards);
    return r.ec == std::errc() && r.ptr == e && shards >= 1 && shards <= kMaxShards &&
           shard < shards;
}

/// The default folder: the spec's file name without ".toml", plus ".out".
std::string default_out(const std::string& spec) {
    std::string name = std::filesystem::path(spec).filename().string();
    if (name.size() > 5 && name.ends_with(".toml")) name.resize(name.size() - 5);
    return name + ".out";
}

/// "\r[#####     ] 120/400 runs, 3/10 points, 35.2 runs/s, ETA 8 s" on a terminal.
class ProgressBar {
  public:
    explicit ProgressBar(std::ostream& err) : err_(err), start_(Clock::now()) {}
    void operator()(const SweepProgress& p) {
        const auto now = Clock::now();
        if (p.done < p.total && now - last_ < std::chrono::milliseconds(100)) return;
        last_ = now;
        constexpr int kWidth = 30;
        const double f =
            p.total > 0 ? static_cast<double>(p.done) / static_cast<double>(p.total) : 1.0;
        std::string bar(static_cast<std::size_t>(f * kWidth), '#');
        bar.resize(kWidth, ' ');
        const double s = std::chrono::duration<double>(now - start_).count();
        const double fresh = static_cast<double>(p.done - p.resumed);
        const double rate = s > 0 ? fresh / s : 0.0;
        char eta[32] = "-";
        if (rate > 0)
            std::snprintf(eta, sizeof eta, "%.0f s", static_cast<double>(p.total - p.done) / rate);
        char text[200];
        std::snprintf(text, sizeof text,
                      "\r[%s] %zu/%zu runs, %zu/%zu points, %.1f runs/s, ETA %s   ", bar.c_str(),
                      p.done, p.total, p.points_done, p.points_total, rate, eta);
        err_ << text << std::flush;
    }

  private:
    using Clock = std::chrono::steady_clock;
    std::ostream& err_;
    Clock::time_point start_;
    Clock::time_point last_{};
};

}  // namespace

int run_sweep_command(const SweepCliOptions& o, std::ostream& out, std::ostream& err) {
    SweepOptions options;
    if (!o.shard.empty() && !parse_shard(o.shard, options.shard, options.shards)) {
        err << kCommand << "--shard " << printable(o.shard, 80)
            << ": expected I/N, integers with 0 <= I < N <= " << kMaxShards << "\n";
        return 2;
    }
    options.jobs = o.jobs.value_or(std::max(1u, std::thread::hardware_concurrency()));
    if (options.jobs < 1 || options.jobs > kMaxJobs) {
        err << kCommand << "--jobs " << options.jobs << " is out of range; expected [1, "
            << kMaxJobs << "]\n";
        return 2;
    }
    SweepPlan plan;
    try {
        plan = load_sweep(o.spec);
    } catch (const ConfigError& e) {
        err << kCommand << e.what() << "\n";
        return 2;
    }
    for (const std::string& note : plan.notes)
        err << kCommand << "note: " << note << "\n";
    const std::string dir = o.out.empty() ? default_out(o.spec) : o.out;
    ProgressBar bar(err);
    if (o.progress) options.progress = [&bar](const SweepProgress& p) { bar(p); };
    bool bad_input = false;
    std::string e;
    try {
        e = run_sweep(plan, dir, options, bad_input);
    } catch (const std::exception& ex) {
        e = ex.what();
    }
    if (o.progress) err << "\n";
    if (!e.empty()) {
        err << kCommand << (bad_input ? "--out " : "") << e << "\n";
        return bad_input ? 2 : 1;
    }
    const std::size_t tasks = task_count(plan.spec);
    const auto count = [](std::size_t n, const char* one) {
        return std::to_string(n) + " " + one + (n == 1 ? "" : "s");
    };
    out << "sweep: " << count(point_count(plan.spec), "point") << " x "
        << count(plan.spec.profiles.size(), "profile") << " x " << count(plan.spec.seeds, "seed")
        << " = " << count(tasks, "run");
    if (options.shards > 1) out << ", shard " << options.shard << "/" << options.shards;
    out << "\nsweep folder: " << dir << "\n";
    return finish_output(out, err, "sweep", 0);
}

int run_sweep_merge(const SweepMergeOptions& o, std::ostream& out, std::ostream& err) {
    if (o.out.empty()) {
        err << "cbsim-cli sweep merge: --out DIR is required (the sweep folder to write)\n";
        return 2;
    }
    bool bad_input = false;
    std::string e;
    try {
        e = merge_sweep_shards(o.shards, o.out, bad_input);
    } catch (const std::exception& ex) {
        e = ex.what();
        bad_input = false;
    }
    if (!e.empty()) {
        err << "cbsim-cli sweep merge: " << e << "\n";
        return bad_input ? 2 : 1;
    }
    out << "merged " << o.shards.size() << " shards into " << o.out << "\n";
    return finish_output(out, err, "sweep merge", 0);
}

}  // namespace cbsim::cli
