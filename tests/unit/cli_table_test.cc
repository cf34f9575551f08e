#include <gtest/gtest.h>

#include "cli/table.h"
#include "cli/views.h"

namespace automat::cli {
namespace {

TEST(CliTable, AlignsColumnsToTheWidestCell) {
  Table table{{"ID", "Name"}, {{"1", "db1"}, {"22", "a-longer-name"}}};
  EXPECT_EQ(render_table(table),
            "+----+---------------+\n"
            "| ID | Name          |\n"
            "+----+---------------+\n"
            "| 1  | db1           |\n"
            "| 22 | a-longer-name |\n"
            "+----+---------------+\n");
}

TEST(CliTable, EmptyTableShowsOnlyTheHeader) {
  Table table{{"ID", "Name"}, {}};
  EXPECT_EQ(render_table(table),
            "+----+------+\n"
            "| ID | Name |\n"
            "+----+------+\n");
}

TEST(CliTable, MultiLineCellsGrowTheRow) {
  Table table{{"Field", "Value"}, {{"errors", "h1: disk full\nh2: down"}, {"state", "FAILED"}}};
  EXPECT_EQ(render_table(table),
            "+--------+---------------+\n"
            "| Field  | Value         |\n"
            "+--------+---------------+\n"
            "| errors | h1: disk full |\n"
            "|        | h2: down      |\n"
            "| state  | FAILED        |\n"
            "+--------+---------------+\n");
}

TEST(CliTable, CountsUtf8CharactersNotBytes) {
  Table table{{"Name"}, {{"café"}, {"abcd"}}};
  EXPECT_EQ(render_table(table),
            "+------+\n"
            "| Name |\n"
            "+------+\n"
            "| café |\n"
            "| abcd |\n"
            "+------+\n");
  EXPECT_EQ(display_width("café"), 4u);
}

TEST(CliTable, ShortRowsRenderEmptyCells) {
  Table table{{"A", "B"}, {{"x"}}};
  EXPECT_EQ(render_table(table),
            "+---+---+\n"
            "| A | B |\n"
            "+---+---+\n"
            "| x |   |\n"
            "+---+---+\n");
}

TEST(CliViews, InstanceListRowsComeFromTheInstanceView) {
  nlohmann::json instances = nlohmann::json::parse(R"([{
    "id": "a1", "name": "db1", "status": "ACTIVE", "task": "NONE",
    "flavor": {"id": "2", "links": []}, "datastore": {"type": "mysql", "version": "10.11"},
    "volume": {"size": 1}, "ip": ["127.10.0.5", "::1"]}])");
  Table table = instance_list_table(instances);
  ASSERT_EQ(table.rows.size(), 1u);
  EXPECT_EQ(table.rows[0], (std::vector<std::string>{"a1", "db1", "mysql", "10.11", "ACTIVE",
                                                     "127.10.0.5, ::1", "2", "1"}));
}

TEST(CliViews, InstanceShowHasAFaultRowOnlyWhenSet) {
  nlohmann::json ok = {{"id", "a1"}, {"status", "ACTIVE"}};
  nlohmann::json failed = {{"id", "a1"}, {"status", "ERROR"}, {"fault", {{"message", "boom"}}}};
  auto has_fault = [](const Table& table) {
    for (const auto& row : table.rows) {
      if (row[0] == "fault") return row[1];
    }
    return std::string("<none>");
  };
  EXPECT_EQ(has_fault(instance_table(ok)), "<none>");
  EXPECT_EQ(has_fault(instance_table(failed)), "boom");
}

// The rows of a Field/Value table by field name ("<none>" when absent).
std::string field_row(const Table& table, const std::string& field) {
  for (const auto& row : table.rows) {
    if (row[0] == field) return row[1];
  }
  return "<none>";
}

TEST(CliViews, InstanceShowHasReplicationRowsOnlyWhenSet) {
  nlohmann::json plain = {{"id", "a1"}, {"status", "ACTIVE"}};
  nlohmann::json replica = nlohmann::json::parse(R"({"id": "r1", "status": "ACTIVE",
    "replica_of": {"id": "m1", "links": [{"href": "http://x/instances/m1", "rel": "self"}]},
    "slave": {"of": "m1", "read_only": true}})");
  nlohmann::json master = nlohmann::json::parse(R"({"id": "m1", "status": "ACTIVE",
    "replicas": [{"id": "r1", "links": []}, {"id": "r2", "links": []}],
    "slave": {"list": [{"id": "r1"}, {"id": "r2"}]}})");
  EXPECT_EQ(field_row(instance_table(plain), "replica_of"), "<none>");
  EXPECT_EQ(field_row(instance_table(plain), "replicas"), "<none>");
  EXPECT_EQ(field_row(instance_table(replica), "replica_of"), "m1");
  EXPECT_EQ(field_row(instance_table(replica), "replicas"), "<none>");
  EXPECT_EQ(field_row(instance_table(master), "replicas"), "r1\nr2");
  EXPECT_EQ(field_row(instance_table(master), "replica_of"), "<none>");
}

TEST(CliViews, ReplicaBatchPairsEachReplicaWithItsOperation) {
  nlohmann::json instances = nlohmann::json::parse(R"([
    {"id": "r1", "name": "ro", "status": "BUILD", "replica_of": {"id": "m1"}},
    {"id": "r2", "name": "ro-2", "status": "BUILD", "replica_of": {"id": "m1"}}])");
  nlohmann::json operations = nlohmann::json::parse(R"([{"id": "op1", "state": "SUBMITTED"},
                                                        {"id": "op2", "state": "SUBMITTED"}])");
  Table table = replica_batch_table(instances, operations);
  EXPECT_EQ(table.headers,
            (std::vector<std::string>{"ID", "Name", "Status", "Replica Of", "Operation"}));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0], (std::vector<std::string>{"r1", "ro", "BUILD", "m1", "op1"}));
  EXPECT_EQ(table.rows[1], (std::vector<std::string>{"r2", "ro-2", "BUILD", "m1", "op2"}));
}

TEST(CliViews, DatastoreVersionsMarkTheDefault) {
  nlohmann::json datastores = nlohmann::json::parse(R"([{"id": "d1", "name": "mysql",
    "default_version": "v2", "versions": [{"id": "v1", "name": "10.6"},
                                           {"id": "v2", "name": "10.11"}]}])");
  Table table = datastore_list_table(datastores);
  ASSERT_EQ(table.rows.size(), 1u);
  EXPECT_EQ(table.rows[0][2], "10.6\n10.11 (default)");
}

TEST(CliViews, OperationShowsPercentAndHostErrors) {
  nlohmann::json operation = nlohmann::json::parse(R"({"id": "op1", "state": "FAILED",
    "progress": 0.58, "errors": [{"host": "127.10.0.5", "message": "disk full"},
                                 {"host": "", "message": "gave up"}]})");
  Table table = operation_table(operation);
  std::map<std::string, std::string> fields;
  for (const auto& row : table.rows) fields[row[0]] = row[1];
  EXPECT_EQ(fields["progress"], "58%");
  EXPECT_EQ(fields["errors"], "127.10.0.5: disk full\ngave up");
  EXPECT_EQ(fields["state"], "FAILED");
}

}  // namespace
}  // namespace automat::cli
