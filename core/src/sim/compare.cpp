// compare.cpp: variants, the lockstep Compare, the compare KPIs, paired differences, and
// compare.csv / the printed table (compare.hpp). The folder and compare.toml are in
// compare_folder.cpp.
//
// [SECTION] Variants
// [SECTION] Compare
// [SECTION] KPIs
// [SECTION] Statistics
// [SECTION] compare.csv and the printed table
#include "cbsim/compare.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <filesystem>

#include "cbsim/error.hpp"
#include "cbsim/number_text.hpp"
#include "cbsim/scenario_io.hpp"
#include "cbsim/text.hpp"
#include "sim/format.hpp"

namespace cbsim {

// [SECTION] Variants -------------------------------------------------------------------------

namespace {

/// Levenshtein distance (paths are short).
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = up;
        }
    }
    return row[b.size()];
}

/// "; close matches: X, Y" among the settable paths of `scenario` of `scope` (at most 3, the
/// nearest first), or how to list them.
std::string close_matches(const Scenario& scenario, std::string_view path, SettingScope scope) {
    std::vector<std::pair<std::size_t, std::string>> near;
    for (const SettingSpec& spec : setting_specs(scenario)) {
        if (setting_scope(scenario, spec.path) != scope) continue;
        const std::size_t d = edit_distance(path, spec.path);
        if (d <= std::max<std::size_t>(3, path.size() / 5)) near.emplace_back(d, spec.path);
    }
    std::stable_sort(near.begin(), near.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out;
    for (std::size_t i = 0; i < near.size() && i < 3; ++i)
        out += (i == 0 ? "; close matches: " : ", ") + near[i].second;
    return out +
           "; `cbsim-cli keys` lists every key (paths: <caller>-><target>.<key>, "
           "<caller>-><target>.breaker.<key>)";
}

}  // namespace

std::string variant_name_problem(std::string_view name) {
    if (name.empty() || name.size() > kMaxVariantNameLength || name.front() == '-' ||
        name.find_first_not_of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
            std::string_view::npos) {
        return "variant name '" + printable(name, 80) +
               "' is not allowed; expected 1 to 64 letters, digits, '_' or '-', not starting "
               "with '-' (it names the variant's folder)";
    }
    return {};
}

std::string parse_variant(std::string_view spec, Variant& out) {
    const auto colon = spec.find(':');
    Variant v;
    v.name = std::string(spec.substr(0, colon));
    if (std::string problem = variant_name_problem(v.name); !problem.empty()) return problem;
    if (colon != std::string_view::npos) {
        std::string_view rest = spec.substr(colon + 1);
        while (true) {
            const auto comma = rest.find(',');
            const std::string_view item = rest.substr(0, comma);
            const auto eq = item.find('=');
            if (eq == std::string_view::npos || eq == 0) {
                return "variant '" + v.name + "': '" + printable(item, 200) +
                       "' is not PATH=VALUE; expected NAME:PATH=VALUE[,PATH=VALUE...]";
            }
            std::string_view value = item.substr(eq + 1);
            std::optional<SimTime> at;
            if (const auto amp = value.rfind('@'); amp != std::string_view::npos) {
                const std::string_view when = value.substr(amp + 1);
                double t = -1.0;
                const auto r = std::from_chars(when.data(), when.data() + when.size(), t);
                if (r.ec != std::errc() || r.ptr != when.data() + when.size() || !(t >= 0.0) ||
                    t > kMaxOverrideAtS) {
                    return "variant '" + v.name + "': '" + printable(item, 200) +
                           "': the time after '@' is not a number of seconds in [0, 10000000]";
                }
                at = std::llround(t * 1e6);
                value = value.substr(0, amp);
            }
            v.overrides.push_back(
                {std::string(item.substr(0, eq)), setting_value_from_text(value), at});
            if (comma == std::string_view::npos) break;
            rest = rest.substr(comma + 1);
        }
    }
    out = std::move(v);
    return {};
}

std::string variant_spec(const Variant& variant) {
    std::string out = variant.name;
    for (std::size_t i = 0; i < variant.overrides.size(); ++i) {
        out += i == 0 ? ':' : ',';
        const Override& o = variant.overrides[i];
        out += o.path + "=" + to_string(o.value);
        if (o.at) {
            out += '@';
            text::trimmed(out, to_s(*o.at), 6);
        }
    }
    return out;
}

std::string variant_scenario(const Scenario& base, const Variant& variant, Scenario& out) {
    Scenario sc = base;
    const std::string who = "variant '" + variant.name + "': ";
    // A key of the breaker a variant's own preset setting puts on an edge is a setting of that
    // edge too, whatever the order they are given in.
    Scenario with_presets = base;
    for (const Override& o : variant.overrides)
        if (!o.at && is_breaker_preset_path(o.path)) apply_setting(with_presets, o.path, o.value);
    std::vector<const Override*> timed;
    std::vector<Change> now;
    for (const Override& o : variant.overrides) {
        const auto scope = setting_scope(with_presets, o.path);
        if (!scope) {
            if (std::string e = missing_breaker(with_presets, o.path); !e.empty()) return who + e;
            return who + printable(o.path, 200) + ": not a protection setting of this scenario" +
                   close_matches(with_presets, o.path, SettingScope::protection);
        }
        if (*scope == SettingScope::world) {
            return who + o.path +
                   ": a world setting (traffic or a service) is the same for every variant; "
                   "set it with --set or in the scenario. A variant may set the keys of an "
                   "edge: <caller>-><target>.<key> (timeout, retry, bulkhead, fallback) and "
                   "<caller>-><target>.breaker.<key>";
        }
        if (!o.at) {
            now.push_back(Change{o.path, o.value});
            continue;
        }
        // A timed override: checked against the settings as they are by then, and entered in
        // the timeline after every entry due at or before it (where the run recorded it).
        timed.push_back(&o);
    }
    if (std::string e = apply_settings_together(sc, now); !e.empty()) return who + e;
    if (!timed.empty()) {
        std::vector<TimelineEntry> entries = sc.timeline;
        Scenario later = sc;
        for (const Override* o : timed) {
            for (const TimelineEntry& e : sc.timeline)
                if (e.at <= *o->at) apply_setting(later, e.path, e.value);
            if (std::string e = apply_setting(later, o->path, o->value); !e.empty())
                return who + e + " (at " + text::trimmed(to_s(*o->at), 6) + " s)";
            auto pos = entries.end();
            while (pos != entries.begin() && std::prev(pos)->at > *o->at)
                --pos;
            entries.insert(pos, TimelineEntry{*o->at, o->path, o->value});
        }
        sc.timeline = std::move(entries);
    }
    out = std::move(sc);
    return {};
}

std::vector<Override> protection_overrides(const Scenario& variant, const Scenario& base) {
    std::vector<Override> out;
    for (const SettingSpec& spec : setting_specs(variant)) {
        if (setting_scope(variant, spec.path) != SettingScope::protection) continue;
        const std::optional<SettingValue> v = get_setting(variant, spec.path);
        if (!v) continue;
        const std::optional<SettingValue> b = get_setting(base, spec.path);
        // A parameter of a preset the base does not use counts as different: the preset
        // override before it resets it to its library default.
        if (!b || *b != *v) out.push_back(Override{spec.path, *v, std::nullopt});
    }
    return out;
}

std::string check_variants(const Scenario& base, std::span<const Variant> variants) {
    if (variants.empty() || variants.size() > kMaxVariants) {
        return std::to_string(variants.size()) + " variants; expected 1 to " +
               std::to_string(kMaxVariants);
    }
    for (std::size_t i = 0; i < variants.size(); ++i) {
        if (std::string e = variant_name_problem(variants[i].name); !e.empty()) return e;
        for (std::size_t j = 0; j < i; ++j) {
            if (variants[j].name == variants[i].name)
                return "variant name '" + variants[i].name +
                       "' is used twice; each variant needs its own name (it names its folder)";
        }
        Scenario sc;
        if (std::string e = variant_scenario(base, variants[i], sc); !e.empty()) return e;
    }
    return {};
}

// [SECTION] Compare --------------------------------------------------------------------------

Compare::Compare(const Scenario& base, std::vector<Variant> variants, std::size_t max_rows)
    : variants_(std::move(variants)), exported_(variants_), base_(base) {
    if (std::string e = check_variants(base, variants_); !e.empty())
        throw ConfigError("", 0, "variant", e);
    for (const Variant& v : variants_) {
        Scenario sc;
        variant_scenario(base, v, sc);
        runs_.push_back(std::make_unique<Run>(std::move(sc), max_rows));
    }
}

Compare::~Compare() = default;

std::size_t Compare::size() const {
    return runs_.size();
}

const Variant& Compare::variant(std::size_t i) const {
    return variants_.at(i);
}

std::optional<std::size_t> Compare::find(std::string_view name) const {
    for (std::size_t i = 0; i < variants_.size(); ++i)
        if (variants_[i].name == name) return i;
    return std::nullopt;
}

const Run& Compare::run(std::size_t i) const {
    return *runs_.at(i);
}

SimTime Compare::now() const {
    return runs_.front()->now();
}

void Compare::settle() {
    for (auto& run : runs_)
        run->settle();
}

void Compare::advance_to(SimTime t, const std::function<void(double)>& progress) {
    if (!progress) {
        for (auto& run : runs_)
            run->advance_to(t);
        return;
    }
    // Progress in steps within each run, the runs one after the other.
    constexpr int kSteps = 50;
    const SimTime from = now();
    const double runs = static_cast<double>(runs_.size());
    for (std::size_t i = 0; i < runs_.size(); ++i) {
        for (int step = 1; step <= kSteps; ++step) {
            runs_[i]->advance_to(from + (t - from) * step / kSteps);
            progress((static_cast<double>(i) + step / static_cast<double>(kSteps)) / runs);
        }
    }
}

std::string Compare::apply(std::string_view path, const SettingValue& value) {
    end_gesture();
    const auto scope = setting_scope(runs_.front()->live(), path);
    if (scope == SettingScope::protection) {
        return std::string(path) +
               ": a protection setting differs per variant; apply it to one variant";
    }
    // A world key has the same value and bounds in every run: the first run's check decides.
    for (auto& run : runs_) {
        if (std::string e = run->apply(path, value); !e.empty()) return e;
    }
    world_changes_.push_back(TimelineEntry{now(), std::string(path), value});
    return {};
}

std::string Compare::apply(std::string_view variant, std::string_view path,
                           const SettingValue& value) {
    end_gesture();
    const auto i = find(variant);
    if (!i) return "no variant named '" + printable(variant, 80) + "'";
    Run& run = *runs_[*i];
    if (setting_scope(run.live(), path) == SettingScope::world) {
        return std::string(path) +
               ": a world setting (traffic or a service) applies to every variant at once";
    }
    if (std::string e = run.apply(path, value); !e.empty()) return e;
    exported_[*i].overrides.push_back(Override{std::string(path), value, run.now()});
    return {};
}

std::string Compare::apply_step(std::string_view path, double value) {
    if (gesture_run_ && (!world_gesture_ || gesture_path_ != path)) end_gesture();
    if (setting_scope(runs_.front()->live(), path) == SettingScope::protection) {
        return std::string(path) +
               ": a protection setting differs per variant; apply it to one variant";
    }
    // A world key has the same value and bounds in every run: the first run's check decides.
    for (auto& run : runs_) {
        if (std::string e = run->apply_step(path, value); !e.empty()) return e;
    }
    if (runs_.front()->gesture()) {
        gesture_run_ = 0;
        world_gesture_ = true;
        gesture_path_ = path;
    }
    return {};
}

std::string Compare::apply_step(std::string_view variant, std::string_view path, double value) {
    const auto i = find(variant);
    if (!i) return "no variant named '" + printable(variant, 80) + "'";
    if (gesture_run_ && (world_gesture_ || *gesture_run_ != *i || gesture_path_ != path))
        end_gesture();
    Run& run = *runs_[*i];
    if (setting_scope(run.live(), path) == SettingScope::world) {
        return std::string(path) +
               ": a world setting (traffic or a service) applies to every variant at once";
    }
    const std::size_t steps = run.gesture() ? run.gesture()->steps.size() : 0;
    if (std::string e = run.apply_step(path, value); !e.empty()) return e;
    if (run.gesture() && run.gesture()->steps.size() > steps) {
        exported_[*i].overrides.push_back(Override{std::string(path), value, run.now()});
        gesture_run_ = *i;
        gesture_path_ = path;
    }
    return {};
}

void Compare::end_gesture() {
    if (!gesture_run_) return;
    if (world_gesture_) {
        std::optional<TimelineEntry> entry;
        for (auto& run : runs_) {
            auto e = run->end_gesture();
            if (!entry) entry = std::move(e);
        }
        if (entry) world_changes_.push_back(std::move(*entry));
    } else {
        runs_.at(*gesture_run_)->end_gesture();
    }
    gesture_run_.reset();
    world_gesture_ = false;
    gesture_path_.clear();
}

void Compare::rename(std::size_t i, std::string name) {
    variants_.at(i).name = name;
    exported_.at(i).name = std::move(name);
}

Scenario Compare::base_with_changes() const {
    Scenario s = base_;
    s.timeline.insert(s.timeline.end(), world_changes_.begin(), world_changes_.end());
    if (world_gesture_) {
        if (auto e = runs_.front()->gesture()) s.timeline.push_back(std::move(*e));
    }
    return s;
}

Scenario Compare::exported_base() const {
    Scenario s = base_with_changes();
    s.duration_s = to_s(now());
    return s;
}

ScenarioOrCompare load_scenario_or_compare(const std::string& path) {
    return parse_scenario_or_compare(read_config_file(path), path);
}

ScenarioOrCompare parse_scenario_or_compare(std::string_view text, const std::string& path) {
    ScenarioOrCompare out;
    std::optional<CompareFile> file = parse_compare_toml(text, path);
    if (!file) {
        out.scenario = parse_scenario_toml(text, path);
        return out;
    }
    out.scenario =
        load_scenario_file((std::filesystem::path(path).parent_path() / file->scenario).string());
    out.variants = std::move(file->variants);
    out.seeds = file->seeds;
    if (std::string e = check_variants(out.scenario, out.variants); !e.empty())
        throw ConfigError(path, 0, "variants", e);
    return out;
}

std::string write_compare_folder(const Compare& compare, const std::string& dir) {
    CompareFolderWriter folder(dir);
    if (!folder.error().empty()) return folder.error();
    const Scenario base = compare.exported_base();
    if (std::string e = folder.add_runs(compare, base.seed, false); !e.empty()) return e;
    CompareResults results;
    results.seeds.push_back(base.seed);
    const std::vector<Summary> summaries = compare.summaries();
    for (std::size_t i = 0; i < compare.size(); ++i) {
        results.variants.push_back(compare.variant(i).name);
        results.summaries.push_back({summaries[i]});
    }
    std::string e = folder.add_file("compare.csv", compare_csv(results));
    if (e.empty()) e = folder.add_file("scenario.toml", scenario_to_toml(base));
    if (e.empty()) {
        e = folder.add_file("compare.toml", compare_file_toml(CompareFile{
                                                "scenario.toml", 1, compare.exported_variants()}));
    }
    if (e.empty()) e = folder.commit();
    return e;
}

std::vector<Summary> Compare::summaries() const {
    std::vector<Summary> out;
    out.reserve(runs_.size());
    for (const auto& run : runs_)
        out.push_back(run->summary());
    return out;
}

// [SECTION] KPIs -----------------------------------------------------------------------------

std::span<const CompareKpi> compare_kpis() {
    static const std::vector<CompareKpi> kpis = [] {
        std::vector<CompareKpi> out;
        for (const EdgeKpi& k : edge_kpis()) {
            if (!k.compared.shown) continue;
            out.push_back({k.key, k.compared.unit, k.compared.better, k.compared.decimals,
                           k.compared.help, &k});
        }
        return out;
    }();
    return kpis;
}

std::string compare_kpis_markdown() {
    std::string out = "| KPI | unit | better | meaning |\n|---|---|---|---|\n";
    for (const CompareKpi& k : compare_kpis()) {
        out += "| `";
        out += k.name;
        out += "` | ";
        out += k.unit;
        out += " | ";
        out += to_string(k.better);
        out += " | ";
        out += k.help;
        out += " |\n";
    }
    return out;
}

// [SECTION] Statistics -----------------------------------------------------------------------

double student_t_975(std::size_t df) {
    static constexpr std::array<double, 30> kTable{
        12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851,
        2.364624252,  2.306004135, 2.262157163, 2.228138852, 2.200985160, 2.178812830,
        2.160368656,  2.144786688, 2.131449546, 2.119905299, 2.109815578, 2.100922040,
        2.093024054,  2.085963447, 2.079613845, 2.073873068, 2.068657610, 2.063898562,
        2.059538553,  2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456};
    if (df == 0) return std::nan("");
    if (df <= kTable.size()) return kTable[df - 1];
    // Cornish-Fisher expansion of t around the normal quantile z (Abramowitz & Stegun 26.7.5).
    const double z = 1.959963984540054;
    const double v = static_cast<double>(df);
    const double z2 = z * z;
    const double g1 = (z2 + 1) * z / 4;
    const double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
    const double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
    const double g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
    return z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v);
}

PairedDifference paired_difference(std::span<const double> d) {
    PairedDifference out;
    out.n = d.size();
    if (d.empty()) return out;
    double sum = 0;
    for (double x : d)
        sum += x;
    out.mean = sum / static_cast<double>(d.size());
    if (d.size() < 2) return out;
    double squares = 0;
    for (double x : d)
        squares += (x - out.mean) * (x - out.mean);
    const double n = static_cast<double>(d.size());
    const double sd = std::sqrt(squares / (n - 1));
    out.half_width = student_t_975(d.size() - 1) * sd / std::sqrt(n);
    return out;
}

// [SECTION] compare.csv and the printed table ------------------------------------------------

std::string compare_csv(const CompareResults& r) {
    std::string out = "variant,seed,edge";
    for (const CompareKpi& k : compare_kpis()) {
        out += ',';
        out += k.name;
    }
    out += '\n';
    for (std::size_t v = 0; v < r.variants.size(); ++v) {
        for (std::size_t s = 0; s < r.seeds.size(); ++s) {
            for (const EdgeSummary& e : r.summaries[v][s].edges) {
                fmt::csv_field(out, r.variants[v]);
                out += ',';
                fmt::integer(out, r.seeds[s]);
                out += ',';
                fmt::csv_field(out, e.edge);
                for (const CompareKpi& k : compare_kpis()) {
                    out += ',';
                    if (const auto x = k.get(e)) fmt::fixed(out, *x, k.decimals);
                }
                out += '\n';
            }
        }
    }
    return out;
}

namespace {

/// Columns padded to their widest cell; numbers right-aligned, text left.
std::string layout(const std::vector<std::vector<std::string>>& rows, std::size_t text_columns) {
    std::vector<std::size_t> width;
    for (const auto& row : rows) {
        width.resize(std::max(width.size(), row.size()));
        for (std::size_t c = 0; c < row.size(); ++c)
            width[c] = std::max(width[c], row[c].size());
    }
    std::string out;
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t c = 0; c < row.size(); ++c) {
            const std::string pad(width[c] - row[c].size(), ' ');
            if (c > 0) line += "  ";
            line += c < text_columns ? row[c] + pad : pad + row[c];
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out += line + '\n';
    }
    return out;
}

std::string signed_fixed(double v, int decimals) {
    std::string s = v < 0 ? std::string() : std::string("+");
    fmt::fixed(s, v, decimals);
    return s;
}

}  // namespace

std::string compare_table_text(const CompareResults& r) {
    std::string out;
    const std::size_t seeds = r.seeds.size();
    if (r.variants.empty() || seeds == 0) return out;
    out += "paired differences against '" + r.variants[0] + "', per seed, over " +
           std::to_string(seeds) + (seeds == 1 ? " seed" : " seeds");
    out += seeds == 1 ? ": one seed gives no confidence interval (--seeds N, N >= 2, gives one)\n"
                      : ": mean and 95 % confidence interval (Student t)\n";
    out += "rows that are 0 in every run, or have no value in any, are left out\n";
    const std::vector<EdgeSummary>& edges = r.summaries[0][0].edges;
    for (std::size_t v = 1; v < r.variants.size(); ++v) {
        std::vector<std::vector<std::string>> rows;
        rows.push_back({"edge", "KPI", "unit", "better", r.variants[0], r.variants[v], "difference",
                        seeds > 1 ? "95 % CI" : ""});
        for (std::size_t e = 0; e < edges.size(); ++e) {
            for (const CompareKpi& k : compare_kpis()) {
                std::vector<double> base, other, diff;
                bool nonzero = false;
                for (std::size_t s = 0; s < seeds; ++s) {
                    const auto a = k.get(r.summaries[0][s].edges[e]);
                    const auto b = k.get(r.summaries[v][s].edges[e]);
                    if (a) base.push_back(*a);
                    if (b) other.push_back(*b);
                    if (a && b) diff.push_back(*b - *a);
                    nonzero = nonzero || (a && *a != 0.0) || (b && *b != 0.0);
                }
                if (!nonzero) continue;
                const auto mean = [&](const std::vector<double>& x) {
                    return x.empty() ? std::string("-")
                                     : fmt::fixed(paired_difference(x).mean, k.decimals);
                };
                const int d = std::max(k.decimals, 1);
                std::vector<std::string> row{edges[e].edge,       std::string(k.name), k.unit,
                                             to_string(k.better), mean(base),          mean(other)};
                const PairedDifference p = paired_difference(diff);
                row.push_back(diff.empty() ? "-" : signed_fixed(p.mean, d));
                if (p.half_width) {
                    std::string ci = "[";
                    ci += signed_fixed(p.mean - *p.half_width, d);
                    ci += ", ";
                    ci += signed_fixed(p.mean + *p.half_width, d);
                    ci += ']';
                    if (p.n < seeds) ci += " (" + std::to_string(p.n) + " seeds)";
                    row.push_back(std::move(ci));
                }
                rows.push_back(std::move(row));
            }
        }
        out += '\n';
        out += r.variants[v];
        out += " - ";
        out += r.variants[0];
        out += '\n';
        out += layout(rows, 4);
    }
    return out;
}

}  // namespace cbsim
