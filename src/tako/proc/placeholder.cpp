// Placeholder until the proc module lands.
namespace tako::proc {}
