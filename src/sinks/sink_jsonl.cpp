// SPDX-License-Identifier: MIT
// JSON Lines sink: one object per alert with stable keys (README "JSON Lines output").
// Absent values are null, lists are arrays (possibly empty), counts are numbers.
#include "alert/alert_json.hpp"
#include "sinks/sink.hpp"
#include "sinks/stream_writer.hpp"

namespace trailwatch {
namespace {

class JsonlSink final : public Sink {
public:
  JsonlSink(std::FILE* out, bool include_record, bool confirms)
      : m_writer(out), m_include_record(include_record), m_confirms(confirms) {}

  bool confirms_delivery() const override { return m_confirms; }

  SinkStatus add(const Alert& alert) override {
    std::string line = alert_to_json(alert, m_include_record);
    line += '\n';
    return m_writer.write(line);
  }

  SinkStatus flush(bool, Receipts& receipts) override { return m_writer.flush(receipts); }

private:
  StreamWriter m_writer;
  bool m_include_record;
  bool m_confirms;
};

} // namespace

std::unique_ptr<Sink> make_jsonl_sink(std::FILE* out, bool include_record, bool confirms) {
  return std::make_unique<JsonlSink>(out, include_record, confirms);
}

} // namespace trailwatch
