// SPDX-License-Identifier: MIT
// JSON Lines sink: one object per alert with stable keys (README "JSON Lines output").
// Absent values are null, lists are arrays (possibly empty), counts are numbers.
#include "alert/alert_json.hpp"
#include "sinks/sink.hpp"

namespace trailwatch {
namespace {

class JsonlSink final : public Sink {
public:
  JsonlSink(std::FILE* out, bool include_record) : m_out(out), m_include_record(include_record) {}

  void add(const Alert& alert) override {
    std::string line = alert_to_json(alert, m_include_record);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), m_out);
    if (on_delivered) {
      on_delivered(alert);
    }
  }

  bool finish() override {
    std::fflush(m_out);
    return true;
  }

private:
  std::FILE* m_out;
  bool m_include_record;
};

} // namespace

std::unique_ptr<Sink> make_jsonl_sink(std::FILE* out, bool include_record) {
  return std::make_unique<JsonlSink>(out, include_record);
}

} // namespace trailwatch
