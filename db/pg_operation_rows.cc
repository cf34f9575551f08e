#include "db/pg_operation_rows.h"

#include "db/pg_support.h"

namespace automat::db::pg {

const std::string& operation_columns() {
  static const std::string columns =
      "o.id, o.tenant_id, o.type, o.resource_type, o.resource_id, o.state, o.progress, o.step,"
      " o.step_name, o.message, o.errors::text, o.input::text, o.checkpoint::text, o.owner, " +
      iso("o.created") + ", " + iso("o.updated") + ", " + iso("o.started") + ", " +
      iso("o.finished") + ", o.warnings::text";
  return columns;
}

Operation operation_from(const pqxx::row& r) {
  Operation op;
  op.id = r[0].as<std::string>();
  op.tenant_id = r[1].as<std::string>();
  op.type = r[2].as<std::string>();
  op.resource_type = r[3].as<std::string>();
  op.resource_id = r[4].as<std::string>();
  op.state = r[5].as<std::string>();
  op.progress = r[6].as<double>();
  op.step = r[7].as<int>();
  op.step_name = r[8].as<std::string>();
  op.message = r[9].as<std::string>();
  for (const auto& e : nlohmann::json::parse(r[10].as<std::string>())) {
    op.errors.push_back(HostError{e.value("host", ""), e.value("message", "")});
  }
  op.input = nlohmann::json::parse(r[11].as<std::string>());
  op.checkpoint = nlohmann::json::parse(r[12].as<std::string>());
  op.owner = opt_text(r[13]);
  op.created = r[14].as<std::string>();
  op.updated = r[15].as<std::string>();
  op.started = opt_text(r[16]);
  op.finished = opt_text(r[17]);
  for (const auto& w : nlohmann::json::parse(r[18].as<std::string>())) {
    if (w.is_string()) op.warnings.push_back(w.get<std::string>());
  }
  return op;
}

nlohmann::json errors_json(const std::vector<HostError>& errors) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : errors) out.push_back({{"host", e.host}, {"message", e.message}});
  return out;
}

void insert_operation(pqxx::transaction_base& t, const Operation& op) {
  t.exec_params(
      "INSERT INTO operations (id, tenant_id, type, resource_type, resource_id, state, progress,"
      " step, step_name, message, errors, input, checkpoint, warnings)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12::jsonb, $13::jsonb,"
      " $14::jsonb)",
      op.id, op.tenant_id, op.type, op.resource_type, op.resource_id, op.state, op.progress,
      op.step, op.step_name, op.message, errors_json(op.errors).dump(), op.input.dump(),
      op.checkpoint.dump(), nlohmann::json(op.warnings).dump());
}

}  // namespace automat::db::pg
