// SPDX-License-Identifier: MIT
#include "pipeline/deliver.hpp"

#include "trailwatch/diag.hpp"

#include <algorithm>
#include <map>

namespace trailwatch {

Delivery::Delivery(std::vector<std::unique_ptr<Sink>>& sinks, State* state, const Options& options)
    : m_sinks(sinks), m_state(state), m_window(options.dedup_window_minutes) {}

void Delivery::hand_out(const Alert& alert) {
  for (auto& sink : m_sinks) {
    m_status = worse(m_status, sink->add(alert));
  }
  ++m_handed_out;
}

bool Delivery::route(std::vector<Alert>& alerts) {
  if (closed()) {
    return false;
  }
  if (m_state == nullptr) {
    for (const auto& alert : alerts) {
      hand_out(alert);
    }
    if (!alerts.empty()) {
      flush(false);
    }
    return !closed();
  }
  // Alerts of one event are adjacent (one per matching rule): ask about each event once.
  const Event* last_event = nullptr;
  bool first = true;
  for (const auto& alert : alerts) {
    if (last_event == nullptr || alert.event.event_id != last_event->event_id ||
        alert.event.origin.record != last_event->origin.record) {
      first = m_state->first_sighting(alert.event.event_id, alert.event.event_time);
      last_event = &alert.event;
      m_repeated_events += first ? 0 : 1;
    }
    if (first) {
      ++m_recorded_alerts;
      m_new_alerts += m_state->add_alert(alert, m_window) ? 1 : 0;
    }
  }
  return true;
}

namespace {

// Marks an outbox alert delivered the moment the last confirming sink has confirmed it.
class OutboxReceipts final : public Receipts {
public:
  OutboxReceipts(State& state, const std::vector<std::int64_t>& outbox_ids,
                 std::map<std::uint64_t, std::size_t>& confirmations, std::size_t needed)
      : m_state(state), m_outbox_ids(outbox_ids), m_confirmations(confirmations), m_needed(needed) {
  }

  void confirmed(std::uint64_t number) override {
    if (number < m_outbox_ids.size() && ++m_confirmations[number] == m_needed) {
      m_state.mark_delivered(m_outbox_ids[number]);
      m_confirmations.erase(number);
      ++marked;
    }
  }

  std::uint64_t marked = 0;

private:
  State& m_state;
  const std::vector<std::int64_t>& m_outbox_ids;
  std::map<std::uint64_t, std::size_t>& m_confirmations;
  std::size_t m_needed;
};

} // namespace

void Delivery::flush(bool final) {
  const std::size_t confirming = static_cast<std::size_t>(std::count_if(
      m_sinks.begin(), m_sinks.end(), [](const auto& sink) { return sink->confirms_delivery(); }));
  if (m_state == nullptr) {
    ReceiptList ignored; // without a state nothing remembers deliveries
    for (auto& sink : m_sinks) {
      m_status = worse(m_status, sink->flush(final, ignored));
    }
    return;
  }
  OutboxReceipts outbox(*m_state, m_outbox_ids, m_confirmations, confirming);
  ReceiptList ignored;
  for (auto& sink : m_sinks) {
    m_status = worse(m_status, sink->flush(final, sink->confirms_delivery()
                                                      ? static_cast<Receipts&>(outbox)
                                                      : static_cast<Receipts&>(ignored)));
  }
  m_marked += outbox.marked;
  m_pending = m_outbox_ids.size() - m_marked;
  if (final && confirming == 0 && !m_outbox_ids.empty()) {
    diag::warning("{} alert(s) stay pending in the state: no sink delivers them (-q without "
                  "Slack); a later run that prints or posts them will",
                  m_outbox_ids.size());
  }
}

void Delivery::hand_out_pending() {
  // Sinks number alerts in the order they take them; m_outbox_ids maps those numbers back.
  m_unhanded = 0;
  for (auto& item : m_state->pending_alerts()) {
    if (item.id <= m_last_handed) {
      continue; // handed out earlier, not confirmed yet
    }
    if (closed()) {
      ++m_unhanded; // the reader went away: the rest stay pending
      continue;
    }
    item.alert.outbox_id = item.id;
    m_outbox_ids.push_back(item.id);
    m_last_handed = item.id;
    hand_out(item.alert);
  }
  m_new_when_handed = m_new_alerts;
}

void Delivery::deliver_committed() {
  if (m_state != nullptr) {
    // Inputs batched so far are committed first: the outbox is read, and deliveries are marked,
    // outside a batch (and a sink must only ever see committed alerts).
    m_state->commit_batch();
  }
  if (m_state != nullptr && m_new_alerts != m_new_when_handed) {
    hand_out_pending(); // only when this run committed new outbox rows (or never looked)
  }
  flush(false);
}

void Delivery::hurry() {
  for (auto& sink : m_sinks) {
    sink->hurry();
  }
}

bool Delivery::finish() {
  if (m_state != nullptr) {
    m_state->commit_batch();
    hand_out_pending(); // everything undelivered: this run's and earlier runs'
  }
  flush(true);
  m_pending += m_unhanded;
  return m_status == SinkStatus::ok || closed();
}

} // namespace trailwatch
