// Placeholder until the graph module lands.
namespace tako::graph {}
