// cbsim/edge_name.hpp: the name of a dependency edge, "caller->target", built and read here only.
//
// An edge is named by the service that calls and the service it calls: "A->B". The entry edge,
// on which the clients call the scenario's entry service, has the caller "client":
// "client->A". Service names hold letters, digits, '_' and '-' only and are never "client",
// so the first "->" of a name always separates caller from target. The same text is the head
// of a setting path ("A->B.breaker.timeout_ms"), the `edge` column of timeseries.csv and
// events.csv, and the key of edge summaries.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cbsim {

struct EdgeName {
    static constexpr std::string_view kArrow = "->";
    /// The caller of the entry edge (a name no service may take).
    static constexpr std::string_view kClient = "client";

    std::string caller;
    std::string target;

    /// The entry edge of a scenario whose traffic goes to `target`: "client->target".
    static EdgeName entry(std::string target) { return {std::string(kClient), std::move(target)}; }

    /// Splits "A->B" at its first "->"; nullopt when `text` has no arrow or an empty side.
    static std::optional<EdgeName> parse(std::string_view text) {
        const auto arrow = text.find(kArrow);
        if (arrow == std::string_view::npos || arrow == 0 || arrow + kArrow.size() == text.size())
            return std::nullopt;
        return EdgeName{std::string(text.substr(0, arrow)),
                        std::string(text.substr(arrow + kArrow.size()))};
    }

    /// "caller->target".
    std::string text() const {
        std::string out;
        out.reserve(caller.size() + kArrow.size() + target.size());
        out.append(caller).append(kArrow).append(target);
        return out;
    }

    bool is_entry() const { return caller == kClient; }

    bool operator==(const EdgeName&) const = default;
};

}  // namespace cbsim
