// The consumer of the package tests: logs a few records through the one public include, then
// reads the file back. Exit status 0 when every record is there.

#include <telemetry/logger.hpp>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: consumer OUTPUT.jsonl\n");
        return 2;
    }
    {
        telemetry::LoggerOptions options;
        options.flush_interval = 10;
        options.static_fields = { { "rank", 0 } };
        telemetry::TelemetryLogger log(argv[1], options);
        telemetry::CallbackList callbacks;
        callbacks.add(log);
        callbacks.on_epoch_begin(0, { { "lr", 1e-3 } });
        for (int step = 0; step < 3; ++step) {
            callbacks.on_step_end(
                step, { { "loss", 1.0 / (step + 1) }, { "metrics", { { "acc", 0.5 } } } });
        }
        callbacks.on_error(std::runtime_error("consumer error"));
        callbacks.on_epoch_end(0, { { "val_loss", 0.5 } });
    }
    std::ifstream in(argv[1]);
    std::string line;
    int lines = 0;
    while (std::getline(in, line)) {
        if (nlohmann::json::parse(line, nullptr, false).is_discarded()) {
            std::fprintf(stderr, "not JSON: %s\n", line.c_str());
            return 1;
        }
        ++lines;
    }
    std::printf("telemetry_logger %s: %d lines\n", TELEMETRY_LOGGER_VERSION, lines);
    return lines == 7 ? 0 : 1; // run_begin, epoch_begin, 3 step_end, error, epoch_end
}
