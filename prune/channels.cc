#include "prune/channels.h"

namespace tinyforge::prune {

std::vector<ChannelChange> PruneChannels(Model& model, const std::vector<WeightRef>& candidates,
                                         double fraction, std::vector<SkippedLayer>& skipped) {
  (void)fraction;
  for (const WeightRef& ref : candidates) {
    skipped.push_back({ref.subgraph, ref.op_index, model.OpName(*model.subgraph(ref.subgraph).operators[ref.op_index]),
                       model.tensor(ref.subgraph, ref.tensor).name, "channels", "structured pruning comes next"});
  }
  return {};
}

}  // namespace tinyforge::prune
