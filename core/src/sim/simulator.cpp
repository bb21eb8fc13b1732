// Simulator: binary heap of (time, seq, slot) entries; slots hold the handler and are reused.
#include "cbsim/simulator.hpp"

namespace cbsim {

Simulator::Simulator(std::size_t reserve) {
    heap_.reserve(reserve);
    slots_.reserve(reserve);
    free_slots_.reserve(reserve);
}

EventId Simulator::schedule_at(SimTime at, EventHandler* handler, std::uint32_t kind,
                               std::uint64_t payload) {
    if (at < now_) at = now_;
    std::uint32_t slot = 0;
    if (!free_slots_.empty()) {
        slot = free_slots_.back();
        free_slots_.pop_back();
    } else {
        slot = static_cast<std::uint32_t>(slots_.size());
        slots_.push_back(Slot{nullptr, 0, 0, 0, false});
    }
    Slot& s = slots_[slot];
    s.handler = handler;
    s.payload = payload;
    s.kind = kind;
    s.live = true;
    ++live_;
    push(Entry{at, seq_++, slot});
    return EventId{slot, s.generation};
}

bool Simulator::cancel(EventId id) {
    if (!id.valid() || id.slot >= slots_.size()) return false;
    Slot& s = slots_[id.slot];
    if (!s.live || s.generation != id.generation) return false;
    s.live = false;  // tombstone: the heap entry is skipped (and the slot freed) when popped
    --live_;
    return true;
}

void Simulator::release(std::uint32_t slot) {
    ++slots_[slot].generation;
    free_slots_.push_back(slot);
}

// A 4-ary heap: half the depth of a binary one, and the four children share a cache line or two.
void Simulator::push(const Entry& e) {
    heap_.push_back(e);
    std::size_t i = heap_.size() - 1;
    while (i > 0) {
        const std::size_t parent = (i - 1) / 4;
        if (!earlier(e, heap_[parent])) break;
        heap_[i] = heap_[parent];
        i = parent;
    }
    heap_[i] = e;
}

Simulator::Entry Simulator::pop() {
    const Entry top = heap_.front();
    const Entry last = heap_.back();
    heap_.pop_back();
    const std::size_t n = heap_.size();
    if (n > 0) {
        std::size_t i = 0;
        for (;;) {
            const std::size_t first = 4 * i + 1;
            if (first >= n) break;
            std::size_t best = first;
            const std::size_t end = first + 4 < n ? first + 4 : n;
            for (std::size_t c = first + 1; c < end; ++c) {
                if (earlier(heap_[c], heap_[best])) best = c;
            }
            if (!earlier(heap_[best], last)) break;
            heap_[i] = heap_[best];
            i = best;
        }
        heap_[i] = last;
    }
    return top;
}

void Simulator::drop_dead_top() {
    while (!heap_.empty() && !slots_[heap_.front().slot].live)
        release(pop().slot);
}

SimTime Simulator::next_time() {
    drop_dead_top();
    return heap_.empty() ? std::numeric_limits<SimTime>::max() : heap_.front().time;
}

void Simulator::fire_boundaries_before(SimTime t) {
    while (next_boundary_ <= t) {
        const SimTime b = next_boundary_;
        next_boundary_ += period_;
        now_ = b;
        period_handler_->on_event(period_kind_, static_cast<std::uint64_t>(b));
    }
}

void Simulator::dispatch_top() {
    const Entry e = pop();
    Slot& s = slots_[e.slot];
    EventHandler* handler = s.handler;
    const std::uint32_t kind = s.kind;
    const std::uint64_t payload = s.payload;
    s.live = false;
    ++s.generation;
    free_slots_.push_back(e.slot);
    --live_;
    now_ = e.time;
    ++processed_;
    handler->on_event(kind, payload);
}

bool Simulator::step() {
    drop_dead_top();
    if (heap_.empty()) return false;
    if (heap_.front().time >= next_boundary_) {
        fire_boundaries_before(heap_.front().time);
        drop_dead_top();  // a boundary hook may cancel events
        if (heap_.empty()) return false;
    }
    dispatch_top();
    return true;
}

void Simulator::run_until(SimTime t) {
    for (;;) {
        drop_dead_top();
        if (heap_.empty()) break;
        const SimTime next = heap_.front().time;
        if (next >= t) break;
        if (next >= next_boundary_) {
            step();  // boundaries first, then the event
            continue;
        }
        dispatch_top();
    }
    if (t > now_) {
        fire_boundaries_before(t);
        now_ = t;
    }
}

void Simulator::set_period_hook(SimTime period, EventHandler* handler, std::uint32_t kind) {
    if (period <= 0 || handler == nullptr) {
        period_ = 0;
        period_handler_ = nullptr;
        next_boundary_ = std::numeric_limits<SimTime>::max();
        return;
    }
    period_ = period;
    period_handler_ = handler;
    period_kind_ = kind;
    next_boundary_ = (now_ / period + 1) * period;
}

}  // namespace cbsim
