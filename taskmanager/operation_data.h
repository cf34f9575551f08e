#pragma once
// The one codec between an operation's stored JSON and its typed records:
// its input (what the request asked, proto/automat/operations.proto) and its
// checkpoint (what the steps have done, each datastore's
// <name>_operations.proto). A record that does not parse as its message is
// a clear kInternal error naming the operation, which fails the step with
// that message, never a json type_error. Each datastore declares, per
// operation type it serves, which two messages those are
// (OperationRecords), and checks a row against them before any step runs.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/proto_json.h"
#include "db/models.h"
#include "taskmanager/workflow.h"

namespace automat::taskmanager {

template <typename M>
M input_of(const db::Operation& op) {
  return common::proto_json::decode<M>(op.input,
                                       "the input of operation " + op.id + " (" + op.type + ")");
}

template <typename M>
M checkpoint_of(const db::Operation& op) {
  return common::proto_json::decode<M>(
      op.checkpoint, "the checkpoint of operation " + op.id + " (" + op.type + ")");
}

// Records the checkpoint and persists it (save_record; LeaseLost when the
// operation is no longer held).
template <typename M>
void save_checkpoint(StepContext& ctx, const M& checkpoint) {
  ctx.operation.checkpoint = common::proto_json::encode(checkpoint);
  save_record(ctx);
}

// Replaces the input, saved with the next save_checkpoint: only to scrub
// secrets once used.
template <typename M>
void set_input(db::Operation& op, const M& input) {
  op.input = common::proto_json::encode(input);
}

// One operation type's records: the message its input parses as and the
// message its checkpoint (what its steps have done) parses as;
// google.protobuf.Empty where it has none.
struct OperationRecords {
  std::string_view type;
  const google::protobuf::Descriptor* input;
  const google::protobuf::Descriptor* checkpoint;
};

template <typename Input, typename Checkpoint>
OperationRecords records_of(std::string_view type) {
  return {type, Input::descriptor(), Checkpoint::descriptor()};
}

// Checks `op`'s input and checkpoint against its type's entry in `table`
// (a datastore's, named `served_by` in messages), before any step runs:
// common::Error(kNotImplemented) when the type is not there, kInternal
// naming the record and message when one does not parse.
inline void check_records(const db::Operation& op, std::initializer_list<OperationRecords> table,
                          const std::string& served_by) {
  for (const OperationRecords& entry : table) {
    if (entry.type != op.type) continue;
    auto* factory = google::protobuf::MessageFactory::generated_factory();
    std::unique_ptr<google::protobuf::Message> input(factory->GetPrototype(entry.input)->New());
    common::proto_json::decode(op.input, *input,
                               "the input of operation " + op.id + " (" + op.type + ")");
    std::unique_ptr<google::protobuf::Message> checkpoint(
        factory->GetPrototype(entry.checkpoint)->New());
    common::proto_json::decode(op.checkpoint, *checkpoint,
                               "the checkpoint of operation " + op.id + " (" + op.type + ")");
    return;
  }
  throw common::Error(common::ErrorCode::kNotImplemented,
                      served_by + " does not support operation '" + op.type + "'");
}

}  // namespace automat::taskmanager
