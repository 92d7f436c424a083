#include "tako/cli/commands.h"

int main(int argc, char** argv) { return tako::cli::run_cli(argc, argv); }
