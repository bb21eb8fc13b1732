// recommend_command.cpp: the Pareto front of a sweep and the breaker it recommends.
#include "recommend_command.hpp"

#include <cmath>
#include <exception>
#include <filesystem>

#include "cbsim/atomic_file.hpp"
#include "cbsim/error.hpp"
#include "cbsim/sweep.hpp"
#include "output.hpp"

namespace cbsim::cli {

int run_recommend(const RecommendOptions& o, std::ostream& out, std::ostream& err) {
    constexpr const char* kCommand = "cbsim-cli recommend: ";
    const auto bad = [](const std::optional<double>& v) {
        return v && (!std::isfinite(*v) || *v < 0 || *v > 1e9);
    };
    if (bad(o.max_false_trips_per_hour) || bad(o.max_detection_delay_s)) {
        err << kCommand
            << "--max-false-trips-per-hour and --max-detection-delay-s take a number in [0, "
               "1e9]\n";
        return 2;
    }
    const auto recommend_and_write = [&] {
        const Recommendation r =
            recommend(o.dir, o.max_false_trips_per_hour, o.max_detection_delay_s);
        out << recommendation_text(r);
        if (!r.chosen) {
            err << kCommand << "no point with a breaker meets the constraints; relax them\n";
            return finish_output(out, err, "recommend", 1);
        }
        const std::string file =
            o.out.empty() ? (std::filesystem::path(o.dir) / "recommended.toml").string() : o.out;
        if (std::string e = write_file_atomic(file, recommended_breaker_toml(r)); !e.empty()) {
            err << kCommand << "cannot write the breaker file " << e << "\n";
            return 1;
        }
        out << "\nrecommended: point " << r.points[*r.chosen].point << " ["
            << r.points[*r.chosen].preset << "], breaker file: " << file << "\n";
        return finish_output(out, err, "recommend", 0);
    };
    return run_guarded(kCommand, err, recommend_and_write, "error: ");
}

}  // namespace cbsim::cli
