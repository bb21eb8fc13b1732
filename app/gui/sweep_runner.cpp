#include "sweep_runner.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>

#include <cbsim/error.hpp>

namespace cbsim::gui {

// [SECTION] The panel's choices -> a sweep plan ---------------------------------------------

namespace {

std::string number_text(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    std::string s = buf;
    // TOML reads "1e+20" as a float, "5" as an integer: both are numbers to the spec.
    return s;
}

/// A TOML basic string.
std::string quoted(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string trimmed(std::string_view s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t");
    return std::string(s.substr(b, e - b + 1));
}

/// "2, 3, five" -> [2, 3, "five"]: numbers and booleans as such, anything else a choice name.
std::string list_toml(std::string_view list) {
    std::string out = "[";
    std::size_t start = 0;
    bool first = true;
    while (start <= list.size()) {
        const auto comma = list.find(',', start);
        const std::string item = trimmed(
            list.substr(start, comma == std::string_view::npos ? list.npos : comma - start));
        if (!item.empty()) {
            out += first ? "" : ", ";
            first = false;
            const SettingValue v = setting_value_from_text(item);
            if (const double* d = std::get_if<double>(&v)) {
                out += item == "true" || item == "false" ? item : number_text(*d);
            } else {
                out += quoted(item);
            }
        }
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out + "]";
}

}  // namespace

std::vector<std::string> knob_paths(const Scenario& scenario, const std::string& edge) {
    std::vector<std::string> out;
    const std::string prefix = edge + ".";
    for (const SettingSpec& spec : setting_specs(scenario)) {
        if (spec.path.rfind(prefix, 0) != 0) continue;
        if (setting_scope(scenario, spec.path) != SettingScope::protection) continue;
        out.push_back(spec.path);
    }
    return out;
}

std::string sweep_spec_text(const SweepChoices& c) {
    std::string out = "edge = " + quoted(c.edge) + "\n";
    out += "seeds = " + std::to_string(c.seeds) + "\n";
    out += "duration_s = " + number_text(c.duration_s) + "\n";
    for (const KnobChoice& k : c.knobs) {
        out += "\n[[axis]]\npath = " + quoted(k.path) + "\n";
        switch (k.kind) {
            case RangeKind::list:
                out += "values = " + list_toml(k.list) + "\n";
                break;
            case RangeKind::linear:
            case RangeKind::log:
                out += std::string(k.kind == RangeKind::log ? "log" : "linear") +
                       " = { from = " + number_text(k.from) + ", to = " + number_text(k.to) +
                       ", steps = " + std::to_string(k.steps) + " }\n";
                break;
        }
    }
    const FaultProfile& f = c.fault;
    if (c.healthy_baseline && f.kind != FaultKind::healthy) {
        FaultProfile healthy;
        healthy.name = "healthy";
        out += "\n" + fault_profile_toml(healthy, "");
    }
    FaultProfile named = f;
    named.name = to_string(f.kind);
    named.service.clear();  // the spec's: the edge's target
    out += "\n" + fault_profile_toml(named, "");
    return out;
}

Scenario sweep_base(const Scenario& live, SimTime now) {
    Scenario base = live;
    base.timeline.clear();
    for (const TimelineEntry& e : live.timeline)
        if (e.at > now) base.timeline.push_back(e);
    return base;
}

SweepPlan build_sweep_plan(const SweepChoices& choices, const Scenario& base) {
    return parse_sweep(sweep_spec_text(choices), "sweep panel", base);
}

std::string choice_problem(const ConfigError& e) {
    std::string key = e.key();
    // axis[i].X -> knob i+1 X; profile[...] -> fault (the panel has one, maybe after healthy).
    if (key.rfind("axis[", 0) == 0 && key.size() > 7) {
        const char digit = key[5];
        std::string rest = key.substr(key.find(']') + 1);
        if (!rest.empty() && rest.front() == '.') rest.erase(0, 1);
        for (const char* drop : {"linear.", "log."})
            if (rest.rfind(drop, 0) == 0) rest.erase(0, std::string_view(drop).size());
        key =
            std::string("knob ") + static_cast<char>(digit + 1) + (rest.empty() ? "" : " ") + rest;
    } else if (key.rfind("profile[", 0) == 0) {
        std::string rest = key.substr(key.find(']') + 1);
        if (!rest.empty() && rest.front() == '.') rest.erase(0, 1);
        key = "fault" + (rest.empty() ? std::string() : " " + rest);
    }
    return (key.empty() ? std::string() : key + ": ") + e.message();
}

// [SECTION] Running the plan in the background -----------------------------------------------

std::optional<double> SweepState::eta_s() const {
    if (tasks_done == 0 || tasks_total == 0) return std::nullopt;
    return elapsed_s * static_cast<double>(tasks_total - tasks_done) /
           static_cast<double>(tasks_done);
}

SweepRunner::~SweepRunner() {
    cancel();
}

unsigned SweepRunner::default_jobs() {
    const unsigned n = std::thread::hardware_concurrency();
    return n > 1 ? n - 1 : 1;
}

void SweepRunner::join_all() {
    for (std::jthread& t : threads_)
        t.request_stop();
    for (std::jthread& t : threads_)
        if (t.joinable()) t.join();
    threads_.clear();
}

void SweepRunner::cancel() {
    join_all();
    std::lock_guard lock(mutex_);
    if (state_.running) {
        state_.running = false;
        state_.cancelled = true;
        version_.fetch_add(1, std::memory_order_acq_rel);
    }
}

void SweepRunner::reset() {
    join_all();
    std::lock_guard lock(mutex_);
    state_ = SweepState{};
    rows_.clear();
    point_left_.clear();
    version_.fetch_add(1, std::memory_order_acq_rel);
}

void SweepRunner::start(SweepPlan plan, unsigned jobs) {
    join_all();
    auto shared = std::make_shared<const SweepPlan>(std::move(plan));
    const std::size_t points = point_count(shared->spec);
    const std::size_t tasks = task_count(shared->spec);
    const std::size_t per_point = points ? tasks / points : 0;
    {
        std::lock_guard lock(mutex_);
        state_ = SweepState{};
        state_.plan = shared;
        state_.points.assign(points, SweepPointResult{});
        state_.tasks_total = tasks;
        state_.running = tasks > 0;
        rows_.assign(tasks, std::string());
        point_left_.assign(points, per_point);
        active_ = std::max(1u, jobs);
    }
    plan_ = shared;
    next_task_.store(0);
    started_ = std::chrono::steady_clock::now();
    version_.fetch_add(1, std::memory_order_acq_rel);
    if (tasks == 0) return;
    for (unsigned j = 0; j < std::max(1u, jobs); ++j)
        threads_.emplace_back([this](const std::stop_token& stop) { work(stop); });
}

void SweepRunner::work(const std::stop_token& stop) {
    const SweepPlan& plan = *plan_;
    const std::size_t tasks = task_count(plan.spec);
    const std::size_t per_point = tasks / std::max<std::size_t>(point_count(plan.spec), 1);
    while (!stop.stop_requested()) {
        const std::size_t t = next_task_.fetch_add(1);
        if (t >= tasks) break;
        std::string row;
        std::string error;
        try {
            row = run_sweep_task(plan, t);
        } catch (const std::exception& e) {
            error = "task " + std::to_string(t) + ": " + e.what();
        }
        bool point_finished = false;
        {
            std::lock_guard lock(mutex_);
            if (!error.empty()) {
                state_.error = error;
                next_task_.store(tasks);  // the others stop at their next task
            } else {
                rows_[t] = std::move(row);
                ++state_.tasks_done;
                point_finished = --point_left_[t / per_point] == 0;
            }
            state_.elapsed_s =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
        }
        if (point_finished) finish_point(t / per_point);
        version_.fetch_add(1, std::memory_order_acq_rel);
    }
    std::lock_guard lock(mutex_);
    if (--active_ == 0) {
        state_.running = false;
        state_.cancelled = state_.tasks_done < state_.tasks_total && state_.error.empty();
        version_.fetch_add(1, std::memory_order_acq_rel);
    }
}

void SweepRunner::finish_point(std::size_t point) {
    const SweepPlan& plan = *plan_;
    const std::size_t profiles = plan.spec.profiles.size();
    const std::size_t per_point = profiles * plan.spec.seeds;
    std::vector<std::string> rows;
    {
        std::lock_guard lock(mutex_);
        rows.assign(rows_.begin() + static_cast<std::ptrdiff_t>(point * per_point),
                    rows_.begin() + static_cast<std::ptrdiff_t>((point + 1) * per_point));
    }
    // The point's lines of points.csv (header first), as the CLI writes them.
    const std::string text = points_csv(plan, rows);
    std::vector<std::string> lines;
    for (std::size_t start = 0; start < text.size();) {
        const auto nl = text.find('\n', start);
        lines.push_back(text.substr(start, nl - start));
        start = nl == std::string::npos ? text.size() : nl + 1;
    }
    SweepPointResult r;
    r.done = true;
    std::string error;
    try {
        r.score =
            score_point(plan, point, lines.at(0),
                        std::span<const std::string>(lines).subspan(1, profiles), "points.csv", 2);
        // Columns by name: K (mean), K_ci95.
        std::vector<std::string> header;
        for (std::size_t s = 0, e = 0; e != std::string::npos; s = e + 1) {
            e = lines[0].find(',', s);
            header.push_back(lines[0].substr(s, e == std::string::npos ? e : e - s));
        }
        const std::vector<std::string> kpis = sweep_kpi_names();
        for (std::size_t pr = 0; pr < profiles; ++pr) {
            // Profile names are kind names and the values numbers: no field is quoted.
            std::vector<std::string> f;
            const std::string& line = lines.at(1 + pr);
            for (std::size_t s = 0, e = 0; e != std::string::npos; s = e + 1) {
                e = line.find(',', s);
                f.push_back(line.substr(s, e == std::string::npos ? e : e - s));
            }
            const auto num = [&](const std::string& column) -> std::optional<double> {
                const auto it = std::find(header.begin(), header.end(), column);
                const auto i = static_cast<std::size_t>(it - header.begin());
                if (it == header.end() || i >= f.size() || f[i].empty()) return std::nullopt;
                return std::strtod(f[i].c_str(), nullptr);
            };
            std::vector<std::optional<double>> means, cis;
            for (const std::string& k : kpis) {
                means.push_back(num(k));
                cis.push_back(num(k + "_ci95"));
            }
            r.mean.push_back(std::move(means));
            r.ci95.push_back(std::move(cis));
        }
    } catch (const std::exception& e) {
        error = "point " + std::to_string(point) + ": " + e.what();
    }
    std::lock_guard lock(mutex_);
    if (!error.empty()) {
        state_.error = error;
        return;
    }
    state_.points[point] = std::move(r);
    ++state_.points_done;
}

SweepState SweepRunner::state() const {
    std::lock_guard lock(mutex_);
    SweepState s = state_;
    if (s.running)
        s.elapsed_s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    return s;
}

// [SECTION] Heatmap: colour scale and cell lookup ----------------------------------------------

Better sweep_kpi_better(const std::string& kpi) {
    constexpr std::string_view kPerHour = "_per_hour";
    std::string_view base = kpi;
    if (base.size() > kPerHour.size() && base.substr(base.size() - kPerHour.size()) == kPerHour)
        base.remove_suffix(kPerHour.size());
    for (const EdgeKpi& k : edge_kpis())
        if (k.key == base) return k.compared.better;
    return Better::neither;
}

ColourScale ColourScale::of(const std::vector<std::optional<double>>& values, Better better) {
    ColourScale s;
    s.better = better;
    for (const auto& v : values) {
        if (!v || !std::isfinite(*v)) continue;
        if (s.empty) {
            s.lo = s.hi = *v;
            s.empty = false;
        } else {
            s.lo = std::min(s.lo, *v);
            s.hi = std::max(s.hi, *v);
        }
    }
    return s;
}

double ColourScale::goodness(double v) const {
    if (empty || hi <= lo) return 0.5;
    const double f = std::clamp((v - lo) / (hi - lo), 0.0, 1.0);
    return better == Better::lower ? 1.0 - f : f;
}

std::uint32_t goodness_colour(double g) {
    g = std::clamp(g, 0.0, 1.0);
    // red (0.86, 0.27, 0.25) -> amber (0.95, 0.72, 0.25) -> green (0.30, 0.72, 0.40)
    const auto lerp = [](double a, double b, double t) { return a + (b - a) * t; };
    double r, gr, b;
    if (g < 0.5) {
        const double t = g * 2.0;
        r = lerp(0.86, 0.95, t);
        gr = lerp(0.27, 0.72, t);
        b = 0.25;
    } else {
        const double t = (g - 0.5) * 2.0;
        r = lerp(0.95, 0.30, t);
        gr = lerp(0.72, 0.72, t);
        b = lerp(0.25, 0.40, t);
    }
    const auto byte = [](double x) {
        return static_cast<std::uint32_t>(std::lround(std::clamp(x, 0.0, 1.0) * 255.0));
    };
    return (0xFFu << 24) | (byte(b) << 16) | (byte(gr) << 8) | byte(r);
}

HeatmapGrid HeatmapGrid::of(const SweepSpec& spec) {
    HeatmapGrid g;
    if (spec.axes.size() == 1) {
        g.columns = spec.axes[0].values.size();
    } else if (spec.axes.size() >= 2) {
        g.rows = spec.axes[0].values.size();
        g.columns = spec.axes[1].values.size();
    }
    return g;
}

std::optional<std::size_t> HeatmapGrid::point_at(float x, float y, float x0, float y0, float w,
                                                 float h) const {
    if (w <= 0 || h <= 0 || x < x0 || y < y0) return std::nullopt;
    const auto c = static_cast<std::size_t>((x - x0) / w);
    const auto r = static_cast<std::size_t>((y - y0) / h);
    if (c >= columns || r >= rows) return std::nullopt;
    return point(r, c);
}

}  // namespace cbsim::gui
