#include "summary_command.hpp"

#include "run_summary.hpp"
#include "runs_csv.hpp"
#include "runs_table_model.hpp"
#include "workspace.hpp"

#include <QCoreApplication>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <cstdio>

namespace viewer {

namespace {

bool isSettled(const Workspace& workspace)
{
    for (int id : workspace.sourceIds()) {
        const Workspace::SourceState state = workspace.source(id).state;
        if (state == Workspace::SourceState::Loading || state == Workspace::SourceState::Following)
            return false;
    }
    return true;
}

} // namespace

int runSummaryCommand(const QStringList& paths)
{
    return runSummaryCommand(paths, HeadlessCommand {});
}

namespace {

// The runs table of everything read, with result columns for every series, as CSV.
bool exportRuns(Workspace& workspace, const QString& path)
{
    RunsTableModel model;
    model.setWorkspace(&workspace);
    model.setResultKeys(model.seriesKeys());
    QSaveFile file(path);
    QString error;
    if (!file.open(QIODevice::WriteOnly) || !writeRunsCsv(model, &file, &error) || !file.commit()) {
        std::fprintf(stderr, "telemetry-viewer: cannot write %s: %s\n", qUtf8Printable(path),
            qUtf8Printable(error.isEmpty() ? file.errorString() : error));
        return false;
    }
    return true;
}

} // namespace

int runSummaryCommand(const QStringList& paths, const HeadlessCommand& command)
{
    if (paths.isEmpty()) {
        std::fputs("telemetry-viewer: --summary needs at least one FILE, FOLDER or -\n", stderr);
        return 2;
    }
    Workspace workspace;
    workspace.setStreamIdleTimeout(
        command.streamIdleTimeoutMs); // a stream that never ends is reported
    QList<int> sources;
    for (const QString& path : paths) {
        const int id = workspace.open(path, /*follow=*/false);
        if (!sources.contains(id)) // `--summary F F`: F is read and listed once
            sources << id;
    }

    // Files and folders settle when their load finishes; standard input when it reaches its end.
    QEventLoop loop;
    const auto check = [&] {
        if (isSettled(workspace))
            loop.quit();
    };
    QObject::connect(&workspace, &Workspace::loadFinished, &loop, check, Qt::QueuedConnection);
    QObject::connect(
        &workspace, &Workspace::sourceStateChanged, &loop, check, Qt::QueuedConnection);
    if (!isSettled(workspace))
        loop.exec();

    int status = 0;
    QJsonArray sourceArray;
    for (int id : sources) {
        const Workspace::SourceInfo info = workspace.source(id);
        QJsonObject object;
        object[QStringLiteral("path")] = info.path;
        QJsonArray runs;
        QStringList warnings; // the runs' limit warnings, said as the window's banner says them
        for (int runId : workspace.runIds()) {
            if (workspace.sourceOfRun(runId) == id) {
                runs.append(runSummary(*workspace.run(runId)));
                warnings += workspace.run(runId)->warnings;
            }
        }
        warnings.removeDuplicates();
        if (!warnings.isEmpty())
            std::fprintf(stderr, "telemetry-viewer: %s: %s\n", qUtf8Printable(info.path),
                qUtf8Printable(warnings.join(QStringLiteral("; "))));
        object[QStringLiteral("runs")] = runs;
        if (!info.incompleteLines.isEmpty()) {
            QJsonArray incomplete;
            for (const Workspace::IncompleteLine& line : info.incompleteLines) {
                incomplete.append(QJsonObject { { QStringLiteral("file"), line.file },
                    { QStringLiteral("line"), line.line },
                    { QStringLiteral("offset"), line.offset },
                    { QStringLiteral("bytes"), line.bytes } });
                std::fprintf(stderr, "telemetry-viewer: %s: %s\n", qUtf8Printable(line.file),
                    qUtf8Printable(line.describe(line.file, true)));
            }
            object[QStringLiteral("incomplete_last_lines")] = incomplete;
        }
        if (!info.fileProblems.isEmpty()) {
            QJsonArray unreadable;
            for (const Workspace::FileProblem& problem : info.fileProblems) {
                unreadable.append(QJsonObject { { QStringLiteral("file"), problem.file },
                    { QStringLiteral("error"), problem.message } });
                std::fprintf(stderr, "telemetry-viewer: %s: %s\n", qUtf8Printable(problem.file),
                    qUtf8Printable(problem.message));
            }
            object[QStringLiteral("unreadable_files")] = unreadable;
            status = 1;
        }
        if (!info.notes.isEmpty()) {
            object[QStringLiteral("notes")] = QJsonArray::fromStringList(info.notes);
            for (const QString& note : info.notes)
                std::fprintf(stderr, "telemetry-viewer: %s\n", qUtf8Printable(note));
        }
        if (info.state == Workspace::SourceState::Failed) {
            object[QStringLiteral("error")] = info.message;
            std::fprintf(stderr, "telemetry-viewer: %s\n", qUtf8Printable(info.message));
            status = 1;
        } else if (runs.isEmpty()) {
            object[QStringLiteral("note")] = info.message.isEmpty()
                ? QStringLiteral("no records")
                : QStringLiteral("no records: %1").arg(info.message);
        }
        sourceArray.append(object);
    }
    if (!command.exportRunsPath.isEmpty() && !exportRuns(workspace, command.exportRunsPath))
        status = 1;
    if (!command.summary)
        return status;
    QJsonObject document;
    document[QStringLiteral("sources")] = sourceArray;
    const QByteArray json = QJsonDocument(document).toJson(QJsonDocument::Indented);
    std::fwrite(json.constData(), 1, static_cast<std::size_t>(json.size()), stdout);
    std::fflush(stdout);
    return status;
}

} // namespace viewer
