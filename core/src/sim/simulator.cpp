// Simulator: a bucket wheel for the near future plus a 4-ary heap beyond it, both holding
// (time, seq, slot) entries; slots hold the handler and are reused.
#include "cbsim/simulator.hpp"

#include <algorithm>
#include <bit>

namespace cbsim {

Simulator::Simulator(std::size_t reserve) : wheel_(kWheel * kBucketCap) {
    slots_.reserve(reserve);
}

void Simulator::add_slot() {
    free_head_ = static_cast<std::uint32_t>(slots_.size());
    slots_.push_back(Slot{nullptr, kNoSlot, 0, 0, false});
}

bool Simulator::cancel(EventId id) {
    if (!id.valid() || id.slot >= slots_.size()) return false;
    Slot& s = slots_[id.slot];
    if (!s.live || s.generation != id.generation) return false;
    s.live = false;  // tombstone: the entry is skipped (and the slot freed) when it is the front
    --live_;
    return true;
}

void Simulator::release(std::uint32_t slot) {
    Slot& s = slots_[slot];
    ++s.generation;
    s.payload = free_head_;
    free_head_ = slot;
}

// [SECTION] Queue: wheel for the near future, heap beyond -------------------------------------

void Simulator::insert_slow(const Entry& e, std::uint64_t ahead) {
    const auto w = static_cast<std::size_t>(cur_) & (kWheel - 1);
    if (ahead != 0 || fill_[w] == kBucketCap) {  // outside the window, or a full bucket
        heap_push(e);
        return;
    }
    // The front bucket stays sorted: move the new entry down from the back (it has the largest
    // seq, so it usually stays last).
    Entry* bucket = &wheel_[w * kBucketCap];
    ++in_wheel_;
    occupied_[w >> 6] |= std::uint64_t{1} << (w & 63);
    const Key k = key(e);
    std::size_t i = fill_[w]++;
    while (i > head_ && k < key(bucket[i - 1])) {
        bucket[i] = bucket[i - 1];
        --i;
    }
    bucket[i] = e;
}

inline std::size_t Simulator::advance_wheel() {
    // Bucket cur_ is empty and in_wheel_ > 0: the next occupied bucket is within the window.
    const auto w = static_cast<std::size_t>(cur_) & (kWheel - 1);
    // The occupied bits after w in its word, then the following words round the wheel; the
    // last look, at w's word again, covers the buckets before w (w's own bit is clear).
    std::size_t word = w >> 6;
    std::uint64_t bits = occupied_[word] & ((~std::uint64_t{0} << (w & 63)) << 1);
    while (bits == 0) {
        word = (word + 1) & (occupied_.size() - 1);
        bits = occupied_[word];
    }
    const std::size_t next = (word << 6) + static_cast<std::size_t>(std::countr_zero(bits));
    cur_ += static_cast<std::int64_t>((next - w) & (kWheel - 1));
    head_ = 0;
    Entry* bucket = &wheel_[next * kBucketCap];
    for (std::size_t i = 1; i < fill_[next]; ++i) {  // insertion sort of at most kBucketCap
        const Entry e = bucket[i];
        const Key k = key(e);
        std::size_t j = i;
        while (j > 0 && k < key(bucket[j - 1])) {
            bucket[j] = bucket[j - 1];
            --j;
        }
        bucket[j] = e;
    }
    return next;
}

inline void Simulator::remove_wheel_front() {
    const auto w = static_cast<std::size_t>(cur_) & (kWheel - 1);
    --in_wheel_;
    if (++head_ == fill_[w]) {  // used up
        fill_[w] = 0;
        occupied_[w >> 6] &= ~(std::uint64_t{1} << (w & 63));
        head_ = 0;
    }
}

inline const Simulator::Entry* Simulator::front() {
    const Entry* w = nullptr;
    if (in_wheel_ != 0) {
        auto slot = static_cast<std::size_t>(cur_) & (kWheel - 1);
        if (head_ == fill_[slot]) slot = advance_wheel();
        w = &wheel_[slot * kBucketCap + head_];
    }
    front_in_heap_ = !heap_.empty() && (w == nullptr || earlier(heap_.front(), *w));
    return front_in_heap_ ? &heap_.front() : w;
}

inline void Simulator::remove_front() {
    if (front_in_heap_) {
        heap_remove_top();
        return;
    }
    remove_wheel_front();
}

// A 4-ary heap: half the depth of a binary one, and the four children share a cache line or two.
void Simulator::heap_push(const Entry& e) {
    heap_.push_back(e);
    std::size_t i = heap_.size() - 1;
    const Key k = key(e);
    while (i > 0) {
        const std::size_t parent = (i - 1) / 4;
        if (!(k < key(heap_[parent]))) break;
        heap_[i] = heap_[parent];
        i = parent;
    }
    heap_[i] = e;
}

void Simulator::heap_remove_top() {
    const Entry last = heap_.back();
    heap_.pop_back();
    const std::size_t n = heap_.size();
    if (n == 0) return;
    Entry* h = heap_.data();
    const Key last_key = key(last);
    std::size_t i = 0;
    for (;;) {
        const std::size_t first = 4 * i + 1;
        if (first + 4 <= n) {  // four children: two pairs, then the two winners
            const std::size_t a = key(h[first + 1]) < key(h[first]) ? first + 1 : first;
            const std::size_t b = key(h[first + 3]) < key(h[first + 2]) ? first + 3 : first + 2;
            const std::size_t best = key(h[b]) < key(h[a]) ? b : a;
            if (!(key(h[best]) < last_key)) break;
            h[i] = h[best];
            i = best;
            continue;
        }
        if (first >= n) break;
        std::size_t best = first;  // a last, partial group: its entries have no children
        for (std::size_t c = first + 1; c < n; ++c) {
            if (key(h[c]) < key(h[best])) best = c;
        }
        if (key(h[best]) < last_key) {
            h[i] = h[best];
            i = best;
        }
        break;
    }
    h[i] = last;
}

void Simulator::drop_dead_front() {
    for (const Entry* f = front(); f != nullptr && !slots_[f->slot].live; f = front()) {
        const std::uint32_t slot = f->slot;
        remove_front();
        release(slot);
    }
}

// [SECTION] Running ----------------------------------------------------------------------------

SimTime Simulator::next_time() {
    drop_dead_front();
    const Entry* f = front();
    const SimTime queued = f == nullptr ? std::numeric_limits<SimTime>::max() : f->time;
    return lane_live_ ? std::min(queued, lane_.time) : queued;
}

void Simulator::fire_boundaries_before(SimTime t) {
    while (next_boundary_ <= t) {
        const SimTime b = next_boundary_;
        next_boundary_ += period_;
        now_ = b;
        period_handler_->on_event(period_kind_, static_cast<std::uint64_t>(b));
    }
}

inline void Simulator::run_slot(std::uint32_t slot, SimTime at) {
    Slot& s = slots_[slot];
    EventHandler* handler = s.handler;
    const std::uint32_t kind = s.kind;
    const std::uint64_t payload = s.payload;
    s.live = false;
    ++s.generation;
    s.payload = free_head_;
    free_head_ = slot;
    --live_;
    now_ = at;
    ++processed_;
    handler->on_event(kind, payload);
}

inline void Simulator::run_lane() {
    lane_live_ = false;
    --live_;
    now_ = lane_.time;
    ++processed_;
    lane_handler_->on_event(lane_kind_, lane_payload_);
}

bool Simulator::step() {
    for (;;) {
        const Entry* f = front();
        if (lane_live_ && (f == nullptr || earlier(lane_, *f))) {
            if (lane_.time >= next_boundary_) {
                fire_boundaries_before(lane_.time);
                continue;
            }
            run_lane();
            return true;
        }
        if (f == nullptr) return false;
        if (!slots_[f->slot].live) {  // a tombstone
            const std::uint32_t slot = f->slot;
            remove_front();
            release(slot);
            continue;
        }
        if (f->time >= next_boundary_) {
            fire_boundaries_before(f->time);  // the hook may cancel or schedule events
            continue;
        }
        const Entry e = *f;
        remove_front();
        run_slot(e.slot, e.time);
        return true;
    }
}

void Simulator::run_until(SimTime t) {
    // front() and remove_front() written out: this loop runs every event.
    for (;;) {
        Entry e{};
        bool from_heap = false;
        bool queued = true;
        if (in_wheel_ != 0) {
            auto slot = static_cast<std::size_t>(cur_) & (kWheel - 1);
            if (head_ == fill_[slot]) slot = advance_wheel();
            e = wheel_[slot * kBucketCap + head_];
            if (!heap_.empty() && earlier(heap_.front(), e)) {
                e = heap_.front();
                from_heap = true;
            }
        } else if (!heap_.empty()) {
            e = heap_.front();
            from_heap = true;
        } else {
            queued = false;
        }
        if (lane_live_ && (!queued || earlier(lane_, e))) {
            if (lane_.time >= t) break;
            if (lane_.time >= next_boundary_) {
                fire_boundaries_before(lane_.time);
                continue;
            }
            run_lane();
            continue;
        }
        if (!queued || e.time >= t) break;  // a tombstone at or after t is skipped later
        if (e.time >= next_boundary_) {
            // Boundaries up to the front's time come first. The hook may cancel or schedule
            // events, so look at the front again afterwards.
            fire_boundaries_before(e.time);
            continue;
        }
        if (from_heap) {
            heap_remove_top();
        } else {
            remove_wheel_front();
        }
        if (!slots_[e.slot].live) {
            release(e.slot);
            continue;
        }
        run_slot(e.slot, e.time);
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
