// recorder.cpp: chunked rows per series, four pre-aggregated levels, pairwise merging when a
// series reaches its bound; one mutex held only for appends and copies.
//
// [SECTION] Rows and columns
// [SECTION] Store (rows + levels)
// [SECTION] Recorder: writer side
// [SECTION] Recorder: reader side
#include "cbsim/recorder.hpp"

#include <algorithm>
#include <stdexcept>

namespace cbsim {

// [SECTION] Rows and columns ------------------------------------------------------------------

const char* to_string(EdgeColumn c) {
    return kEdgeColumnSpecs[static_cast<std::size_t>(c)].name;
}
const char* to_string(ServiceColumn c) {
    return kServiceColumnSpecs[static_cast<std::size_t>(c)].name;
}

double EdgeRow::value(EdgeColumn c) const {
    switch (c) {
        case EdgeColumn::state:
            return state_severity(state);
        case EdgeColumn::calls:
            return calls;
        case EdgeColumn::allowed:
            return allowed;
        case EdgeColumn::rejected:
            return rejected;
        case EdgeColumn::successes:
            return successes;
        case EdgeColumn::failures:
            return failures;
        case EdgeColumn::timeouts:
            return timeouts;
        case EdgeColumn::retries:
            return retries;
        case EdgeColumn::fallbacks:
            return fallbacks;
        case EdgeColumn::failure_rate: {
            const std::uint64_t done = std::uint64_t{successes} + failures;
            return done ? static_cast<double>(failures) / static_cast<double>(done) : 0.0;
        }
        case EdgeColumn::latency_p50_ms:
            return static_cast<double>(latency_p50_ms);
        case EdgeColumn::latency_p99_ms:
            return static_cast<double>(latency_p99_ms);
        case EdgeColumn::inflight:
            return inflight;
        case EdgeColumn::bulkhead_rejected:
            return bulkhead_rejected;
        case EdgeColumn::open_instances:
            return open_instances;
        case EdgeColumn::count_:
            break;
    }
    return 0.0;
}

double ServiceRow::value(ServiceColumn c) const {
    switch (c) {
        case ServiceColumn::arrivals:
            return arrivals;
        case ServiceColumn::served:
            return served;
        case ServiceColumn::dropped:
            return dropped;
        case ServiceColumn::queue:
            return queue;
        case ServiceColumn::busy:
            return static_cast<double>(busy);
        case ServiceColumn::utilisation:
            return static_cast<double>(utilisation);
        case ServiceColumn::count_:
            break;
    }
    return 0.0;
}

EdgeRow merge_rows(const EdgeRow& a, const EdgeRow& b) {
    EdgeRow r = b;  // gauges (state, inflight, open_instances) keep the later value
    r.calls = a.calls + b.calls;
    r.allowed = a.allowed + b.allowed;
    r.rejected = a.rejected + b.rejected;
    r.successes = a.successes + b.successes;
    r.failures = a.failures + b.failures;
    r.timeouts = a.timeouts + b.timeouts;
    r.retries = a.retries + b.retries;
    r.fallbacks = a.fallbacks + b.fallbacks;
    r.bulkhead_rejected = a.bulkhead_rejected + b.bulkhead_rejected;
    const double wa = static_cast<double>(a.successes) + static_cast<double>(a.failures);
    const double wb = static_cast<double>(b.successes) + static_cast<double>(b.failures);
    if (wa + wb > 0) {
        r.latency_p50_ms = static_cast<float>((static_cast<double>(a.latency_p50_ms) * wa +
                                               static_cast<double>(b.latency_p50_ms) * wb) /
                                              (wa + wb));
    }
    r.latency_p99_ms = std::max(a.latency_p99_ms, b.latency_p99_ms);
    return r;
}

ServiceRow merge_rows(const ServiceRow& a, const ServiceRow& b) {
    ServiceRow r = b;  // queue keeps the later value
    r.arrivals = a.arrivals + b.arrivals;
    r.served = a.served + b.served;
    r.dropped = a.dropped + b.dropped;
    r.busy = 0.5f * (a.busy + b.busy);
    r.utilisation = 0.5f * (a.utilisation + b.utilisation);
    return r;
}

// [SECTION] Store (rows + levels) ---------------------------------------------------------------

namespace {
template <typename Row>
constexpr std::size_t columns_of() {
    if constexpr (std::is_same_v<Row, EdgeRow>)
        return kEdgeColumns;
    else
        return kServiceColumns;
}
template <typename Row>
double column_value(const Row& row, std::size_t c) {
    if constexpr (std::is_same_v<Row, EdgeRow>)
        return row.value(static_cast<EdgeColumn>(c));
    else
        return row.value(static_cast<ServiceColumn>(c));
}
constexpr std::size_t kChunk = 4096;
}  // namespace

template <typename Row>
struct Recorder::Store {
    static constexpr std::size_t N = columns_of<Row>();
    /// Per column: min, max, first and last value of the rows an entry covers (one array per
    /// aggregate, so updating a whole entry is a few vector instructions).
    struct Entry {
        std::array<float, N> min, max, first, last;
        /// Adds the rows of `later`, which follow this entry's.
        void fold(const Entry& later) {
            for (std::size_t c = 0; c < N; ++c) {
                min[c] = std::min(min[c], later.min[c]);
                max[c] = std::max(max[c], later.max[c]);
            }
            last = later.last;
        }
    };
    static Entry entry_of(const Row& row) {
        std::array<float, N> v;
        for (std::size_t c = 0; c < N; ++c)
            v[c] = static_cast<float>(column_value(row, c));
        return Entry{v, v, v, v};
    }

    std::vector<std::unique_ptr<Row[]>> chunks;
    std::size_t size = 0;
    std::array<std::vector<Entry>, kLevels> levels;  // levels[k] entries cover 16^(k+1) rows
    std::size_t leveled = 0;  // rows in the levels: a multiple of kLevelFactor

    Row& at(std::size_t i) { return chunks[i / kChunk][i % kChunk]; }
    const Row& at(std::size_t i) const { return chunks[i / kChunk][i % kChunk]; }

    void push(const Row& row) {
        if (size / kChunk >= chunks.size()) chunks.push_back(std::make_unique<Row[]>(kChunk));
        at(size++) = row;
    }

    /// Adds the complete rows up to `complete` to the levels, kLevelFactor at a time: a block
    /// becomes one level-0 entry, which is then folded into the entries above it (per block,
    /// not per row: a fraction of the work). Up to kLevelFactor - 1 complete rows wait outside
    /// the levels; readers take them from the rows.
    void level_up_to(std::size_t complete) {
        while (leveled + kLevelFactor <= complete) {
            add_block(leveled);
            leveled += kLevelFactor;
        }
    }

    void add_block(std::size_t first) {
        static_assert((kLevelFactor & (kLevelFactor - 1)) == 0, "spans are powers of two");
        Entry e = entry_of(at(first));
        for (std::size_t r = first + 1; r < first + kLevelFactor; ++r)
            e.fold(entry_of(at(r)));
        levels[0].push_back(e);
        std::size_t span = kLevelFactor * kLevelFactor;
        for (std::size_t k = 1; k < kLevels; ++k, span *= kLevelFactor) {
            if ((first & (span - 1)) == 0)  // first % span, without a division
                levels[k].push_back(e);
            else
                levels[k].back().fold(e);
        }
    }

    void merge_pairs() {
        const std::size_t half = size / 2;
        for (std::size_t i = 0; i < half; ++i)
            at(i) = merge_rows(at(2 * i), at(2 * i + 1));
        if (size % 2) at(half) = at(size - 1);
        size = half + size % 2;
        chunks.resize((size + kChunk - 1) / kChunk);
        for (auto& level : levels)
            level.clear();
        leveled = 0;
    }

    std::size_t bytes() const {
        std::size_t b = chunks.size() * kChunk * sizeof(Row);
        for (const auto& level : levels)
            b += level.capacity() * sizeof(Entry);
        return b;
    }

    /// Column aggregates over row ranges: the rows in the levels from them, the rest from the
    /// rows.
    std::vector<ColumnAgg> columns(std::size_t c, SimTime res, SimTime t0, SimTime t1,
                                   std::size_t n) const {
        std::vector<ColumnAgg> out(n);
        if (n == 0 || t1 <= t0 || size == 0) return out;
        const double per_col =
            static_cast<double>(t1 - t0) / static_cast<double>(n) / static_cast<double>(res);
        int k = -1;  // -1 = rows
        std::size_t span = 1;
        while (k + 1 < static_cast<int>(kLevels) &&
               static_cast<double>(span * kLevelFactor) <= per_col) {
            ++k;
            span *= kLevelFactor;
        }
        auto add = [](ColumnAgg& a, double mn, double mx, double first, double last,
                      std::size_t rows) {
            if (a.rows == 0) {
                a.min = mn;
                a.max = mx;
                a.first = first;
            } else {
                a.min = std::min(a.min, mn);
                a.max = std::max(a.max, mx);
            }
            a.last = last;
            a.rows += static_cast<std::uint32_t>(rows);
        };
        for (std::size_t col = 0; col < n; ++col) {
            const SimTime ts =
                t0 + static_cast<SimTime>(static_cast<double>(t1 - t0) * static_cast<double>(col) /
                                          static_cast<double>(n));
            const SimTime te =
                t0 + static_cast<SimTime>(static_cast<double>(t1 - t0) *
                                          static_cast<double>(col + 1) / static_cast<double>(n));
            if (te <= 0) continue;
            const auto lo = static_cast<std::size_t>(std::max<SimTime>(ts, 0) / res);
            auto hi = static_cast<std::size_t>((te + res - 1) / res);
            hi = std::min(hi, size);
            if (lo >= hi) continue;
            ColumnAgg& a = out[col];
            std::size_t r = lo;
            if (k >= 0) {
                const auto& level = levels[static_cast<std::size_t>(k)];
                const std::size_t end = std::min(hi, leveled);
                for (std::size_t j = r / span; j * span < end && j < level.size(); ++j) {
                    const Entry& g = level[j];
                    const std::size_t rows = std::min((j + 1) * span, leveled) - j * span;
                    add(a, static_cast<double>(g.min[c]), static_cast<double>(g.max[c]),
                        static_cast<double>(g.first[c]), static_cast<double>(g.last[c]), rows);
                }
                r = std::max(r, end);
            }
            for (; r < hi; ++r) {
                const double v = column_value(at(r), c);
                add(a, v, v, v, v, 1);
            }
        }
        return out;
    }
};

// [SECTION] Recorder: writer side ---------------------------------------------------------------

std::size_t Recorder::bucket_bytes(std::size_t edges, std::size_t services) {
    // A level-0 entry covers kLevelFactor rows; the levels above add 1/16 + 1/256 + ... of it.
    auto per_row = [](std::size_t row, std::size_t entry) {
        return row + (entry + entry / kLevelFactor + kLevelFactor - 1) / kLevelFactor;
    };
    return edges * per_row(sizeof(EdgeRow), sizeof(Store<EdgeRow>::Entry)) +
           services * per_row(sizeof(ServiceRow), sizeof(Store<ServiceRow>::Entry));
}

std::size_t Recorder::rows_within_budget(std::size_t edges, std::size_t services) {
    const std::size_t per_bucket = std::max<std::size_t>(1, bucket_bytes(edges, services));
    std::size_t rows = kDefaultMaxRows;
    while (rows > kMinRows && rows * per_bucket > kRowBudgetBytes)
        rows /= 2;
    return rows;
}

Recorder::Recorder(SimTime resolution, std::vector<std::string> edges,
                   std::vector<std::string> services, std::size_t max_rows)
    : edge_names_(std::move(edges)),
      service_names_(std::move(services)),
      max_rows_(std::max<std::size_t>(
          16, std::min(max_rows, rows_within_budget(edge_names_.size(), service_names_.size())) &
                  ~std::size_t{1})),
      base_resolution_(std::max<SimTime>(1, resolution)),
      resolution_(base_resolution_) {
    for (std::size_t i = 0; i < edge_names_.size(); ++i)
        edges_.push_back(std::make_unique<Store<EdgeRow>>());
    for (std::size_t i = 0; i < service_names_.size(); ++i)
        services_.push_back(std::make_unique<Store<ServiceRow>>());
    live_.resize(edge_names_.size());
}

Recorder::~Recorder() = default;

void Recorder::merge_all_locked() {
    for (auto& s : edges_)
        s->merge_pairs();
    for (auto& s : services_)
        s->merge_pairs();
    merge_factor_ *= 2;
    resolution_ *= 2;
    // A trailing odd row becomes a filling row of the coarser resolution.
    const std::size_t rows =
        edges_.empty() ? (services_.empty() ? 0 : services_[0]->size) : edges_[0]->size;
    const std::size_t base_in_last = static_cast<std::size_t>(buckets_ % merge_factor_);
    filling_ = base_in_last;
    const std::size_t complete = filling_ ? rows - 1 : rows;
    for (auto& s : edges_)
        s->level_up_to(complete);
    for (auto& s : services_)
        s->level_up_to(complete);
}

void Recorder::append(std::span<const EdgeRow> edges, std::span<const ServiceRow> services) {
    if (edges.size() != edges_.size() || services.size() != services_.size())
        throw std::invalid_argument("Recorder::append: one row per series expected");
    std::lock_guard lock(mutex_);
    const std::size_t rows =
        edges_.empty() ? (services_.empty() ? 0 : services_[0]->size) : edges_[0]->size;
    if (filling_ == 0 && rows >= max_rows_) merge_all_locked();
    ++buckets_;
    auto put = [&](auto& stores, auto rows_in) {
        for (std::size_t i = 0; i < stores.size(); ++i) {
            auto& s = *stores[i];
            if (filling_ == 0)
                s.push(rows_in[i]);
            else
                s.at(s.size - 1) = merge_rows(s.at(s.size - 1), rows_in[i]);
        }
    };
    put(edges_, edges);
    put(services_, services);
    filling_ = (filling_ + 1) % merge_factor_;
    if (filling_ == 0) {
        for (auto& s : edges_)
            s->level_up_to(s->size);
        for (auto& s : services_)
            s->level_up_to(s->size);
    }
    version_.fetch_add(1, std::memory_order_release);
}

void Recorder::add_event(EventRecord event) {
    std::lock_guard lock(mutex_);
    if (events_.size() >= kMaxEvents) {
        ++events_dropped_;
        return;
    }
    events_.push_back(std::move(event));
    version_.fetch_add(1, std::memory_order_release);
}

void Recorder::publish_live(std::span<const EdgeLive> live) {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < live.size() && i < live_.size(); ++i)
        live_[i] = live[i];
}

// [SECTION] Recorder: reader side ---------------------------------------------------------------

std::size_t Recorder::edge_index(std::string_view name) const {
    for (std::size_t i = 0; i < edge_names_.size(); ++i)
        if (edge_names_[i] == name) return i;
    return npos;
}

std::size_t Recorder::service_index(std::string_view name) const {
    for (std::size_t i = 0; i < service_names_.size(); ++i)
        if (service_names_[i] == name) return i;
    return npos;
}

SimTime Recorder::resolution() const {
    std::lock_guard lock(mutex_);
    return resolution_;
}

std::size_t Recorder::row_count() const {
    std::lock_guard lock(mutex_);
    if (!edges_.empty()) return edges_[0]->size;
    return services_.empty() ? 0 : services_[0]->size;
}

std::size_t Recorder::last_row_buckets() const {
    std::lock_guard lock(mutex_);
    return filling_;
}

SimTime Recorder::recorded_until() const {
    std::lock_guard lock(mutex_);
    return static_cast<SimTime>(buckets_) * base_resolution_;
}

namespace {
template <typename Store, typename Row = std::remove_cvref_t<decltype(std::declval<Store>().at(0))>>
std::vector<Row> copy_rows(const Store& s, std::size_t first, std::size_t count) {
    std::vector<Row> out;
    if (first >= s.size) return out;
    const std::size_t end = count >= s.size - first ? s.size : first + count;
    out.reserve(end - first);
    for (std::size_t i = first; i < end; ++i)
        out.push_back(s.at(i));
    return out;
}
}  // namespace

std::vector<EdgeRow> Recorder::edge_rows(std::size_t edge, std::size_t first,
                                         std::size_t count) const {
    std::lock_guard lock(mutex_);
    if (edge >= edges_.size()) return {};
    return copy_rows(*edges_[edge], first, count);
}

std::vector<ServiceRow> Recorder::service_rows(std::size_t service, std::size_t first,
                                               std::size_t count) const {
    std::lock_guard lock(mutex_);
    if (service >= services_.size()) return {};
    return copy_rows(*services_[service], first, count);
}

std::vector<ColumnAgg> Recorder::edge_columns(std::size_t edge, EdgeColumn column, SimTime t0,
                                              SimTime t1, std::size_t columns) const {
    std::lock_guard lock(mutex_);
    if (edge >= edges_.size() || column == EdgeColumn::count_)
        return std::vector<ColumnAgg>(columns);
    const auto& s = *edges_[edge];
    return s.columns(static_cast<std::size_t>(column), resolution_, t0, t1, columns);
}

std::vector<ColumnAgg> Recorder::service_columns(std::size_t service, ServiceColumn column,
                                                 SimTime t0, SimTime t1,
                                                 std::size_t columns) const {
    std::lock_guard lock(mutex_);
    if (service >= services_.size() || column == ServiceColumn::count_)
        return std::vector<ColumnAgg>(columns);
    const auto& s = *services_[service];
    return s.columns(static_cast<std::size_t>(column), resolution_, t0, t1, columns);
}

std::vector<EventRecord> Recorder::events(std::size_t first, std::size_t count) const {
    std::lock_guard lock(mutex_);
    if (first >= events_.size()) return {};
    const std::size_t end = count >= events_.size() - first ? events_.size() : first + count;
    return {events_.begin() + static_cast<std::ptrdiff_t>(first),
            events_.begin() + static_cast<std::ptrdiff_t>(end)};
}

std::size_t Recorder::event_count() const {
    std::lock_guard lock(mutex_);
    return events_.size();
}

std::uint64_t Recorder::events_dropped() const {
    std::lock_guard lock(mutex_);
    return events_dropped_;
}

EdgeLive Recorder::live(std::size_t edge) const {
    std::lock_guard lock(mutex_);
    return edge < live_.size() ? live_[edge] : EdgeLive{};
}

Recorder::Memory Recorder::memory() const {
    std::lock_guard lock(mutex_);
    Memory m;
    for (const auto& s : edges_)
        m.rows += s->bytes();
    for (const auto& s : services_)
        m.rows += s->bytes();
    // Strings longer than the small-string buffer own a heap block of their capacity.
    auto heap = [](const std::string& t) { return t.capacity() > 15 ? t.capacity() + 1 : 0; };
    m.events = (events_.capacity() - events_.size()) * sizeof(EventRecord);
    for (const auto& e : events_)
        m.events += sizeof(EventRecord) + heap(e.edge) + heap(e.from) + heap(e.to) + heap(e.reason);
    return m;
}

std::size_t Recorder::memory_bytes() const {
    const Memory m = memory();
    return m.rows + m.events;
}

}  // namespace cbsim
