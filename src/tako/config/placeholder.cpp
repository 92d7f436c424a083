// Placeholder until the config module lands.
namespace tako::config {}
