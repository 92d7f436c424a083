// Placeholder until the repo module lands.
namespace tako::repo {}
