#pragma once
// The one codec between an operation's stored JSON and its typed records:
// its input (what the request asked, proto/automat/operations.proto) and its
// checkpoint (what the steps have done, each datastore's
// <name>_operations.proto). A record that does not parse as its message is
// a clear kInternal error naming the operation, which fails the step with
// that message, never a json type_error.
#include <string>

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

}  // namespace automat::taskmanager
