// memory.cpp: Run::memory_holders, what holds a run's memory (read from the models' sizes).
#include <algorithm>
#include <cstdio>

#include "sim/engine.hpp"

namespace cbsim {

namespace {
/// A scheduled event's queue entry (time, sequence, slot) and slot (handler, payload, kind).
constexpr std::size_t kBytesPerScheduledEvent = 48;

std::string mib(std::size_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return text;
}
}  // namespace

std::vector<MemoryHolder> Run::memory_holders() const {
    const Impl& m = *impl_;
    std::vector<MemoryHolder> out;
    out.reserve(m.services.size() + m.edges.size() + 3);
    const Recorder::Memory rec = m.recorder->memory();
    out.push_back({MemoryHolder::Kind::recorder_rows, "", rec.rows});
    out.push_back({MemoryHolder::Kind::recorder_events, "", rec.events});
    // Queued calls: the queue rings, and the queued jobs' share of the job pool.
    const std::size_t job_pool = m.jobs.items.capacity() * sizeof(sim::Job);
    const std::size_t live_jobs = std::max<std::size_t>(1, m.jobs.live());
    std::size_t queued_share = 0;
    for (const sim::ServiceModel& s : m.services) {
        const std::size_t share = job_pool / live_jobs * std::min<std::size_t>(s.queued, live_jobs);
        queued_share += share;
        std::size_t bytes = share;
        for (const sim::Instance& in : s.instances)
            bytes += in.queue.items.capacity() * sizeof(std::uint32_t);
        if (bytes > 0) out.push_back({MemoryHolder::Kind::queued_calls, s.cfg->name, bytes});
    }
    // Calls in flight: the rest of the job pool, the logical calls, their pending timeouts and
    // store writes, and the simulator's scheduled events.
    std::size_t flight = job_pool - std::min(job_pool, queued_share) +
                         m.jobs.free.capacity() * sizeof(std::uint32_t) +
                         m.calls.items.capacity() * sizeof(sim::Call) +
                         m.calls.free.capacity() * sizeof(std::uint32_t) +
                         m.writes.items.capacity() * sizeof(sim::StoreWrite) +
                         m.sim.pending() * kBytesPerScheduledEvent;
    for (const sim::EdgeModel& e : m.edges) {
        flight += e.timeouts.items.capacity() * sizeof(sim::PendingTimeout);
        std::size_t held = 0;
        for (const auto& ring : e.held)
            held += ring.items.capacity() * sizeof(sim::Held);
        if (held > 0) out.push_back({MemoryHolder::Kind::held_attempts, e.name, held});
    }
    out.push_back({MemoryHolder::Kind::calls_in_flight, "", flight});
    std::stable_sort(out.begin(), out.end(), [](const MemoryHolder& a, const MemoryHolder& b) {
        return a.bytes > b.bytes;
    });
    return out;
}

std::string out_of_memory_reason(const Run& run) {
    const std::vector<MemoryHolder> holders = run.memory_holders();
    const MemoryHolder& h = holders.front();
    const std::string size = mib(h.bytes);
    const Recorder& rec = run.recorder();
    switch (h.kind) {
        case MemoryHolder::Kind::recorder_rows:
            return "the recorder's rows hold the most (" + size + ", " +
                   std::to_string(rec.row_count()) + " rows of " +
                   std::to_string(rec.edge_names().size() + rec.service_names().size()) +
                   " series); raise resolution_ms, or run fewer services or edges";
        case MemoryHolder::Kind::recorder_events:
            return "the recorder's events list holds the most (" + size + ", " +
                   std::to_string(rec.event_count()) +
                   " events); make the breakers change state less often, or run for less time";
        case MemoryHolder::Kind::queued_calls:
            return "the calls queued at service " + h.where + " hold the most (" + size +
                   "); lower traffic.rate_rps, " + h.where + ".queue_limit or " + h.where +
                   ".instances, or make " + h.where + " faster";
        case MemoryHolder::Kind::calls_in_flight:
            return "the calls in flight hold the most (" + size +
                   "); lower traffic.rate_rps or the services' capacity, or make the services "
                   "faster";
        case MemoryHolder::Kind::held_attempts:
            return "the attempts held by the breakers of " + h.where + " hold the most (" + size +
                   "); lower traffic.rate_rps, or give " + h.where +
                   " a breaker that rejects instead of holding";
    }
    return "";
}

}  // namespace cbsim
