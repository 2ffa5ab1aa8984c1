// Callback and CallbackList: default no-ops, fan-out in order, exceptions do not starve the
// callbacks after the one that threw.

#include <telemetry/logger.hpp>

#include <QtTest>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using namespace telemetry;

namespace {

// Records which hook ran, with the first context value if any.
class Recorder : public Callback
{
public:
    explicit Recorder(std::string name, std::vector<std::string>& journal)
        : name_(std::move(name))
        , journal_(journal)
    {
    }
    void on_step_end(std::int64_t step, Context context) override
    {
        std::string entry = name_ + ":step_end:" + std::to_string(step);
        if (!context.empty() && context.kind() == Context::Kind::fields) {
            entry += ":" + std::string(context.begin()->key);
        }
        journal_.push_back(entry);
    }
    void on_error(const std::exception& error, Context) override
    {
        journal_.push_back(name_ + ":error:" + error.what());
    }

private:
    std::string name_;
    std::vector<std::string>& journal_;
};

class Thrower : public Callback
{
public:
    void on_step_end(std::int64_t, Context) override
    {
        throw std::logic_error("callback failed");
    }
};

} // namespace

class TestCallbackList : public QObject
{
    Q_OBJECT

private slots:
    void defaultsAreNoOps();
    void fansOutInOrder();
    void throwingCallbackDoesNotStarveOthers();
};

void TestCallbackList::defaultsAreNoOps()
{
    Callback base;
    base.on_step_begin(0, { { "a", 1 } });
    base.on_step_end(0);
    base.on_epoch_begin(0);
    base.on_epoch_end(0);
    base.on_error(std::runtime_error("x"));
    CallbackList empty;
    empty.on_step_end(1, { { "loss", 1.0 } });
    QCOMPARE(empty.size(), std::size_t(0));
}

void TestCallbackList::fansOutInOrder()
{
    std::vector<std::string> journal;
    Recorder first("a", journal);
    auto second = std::make_shared<Recorder>("b", journal);
    auto memory = std::make_shared<MemoryLogger>();
    CallbackList list;
    list.add(first);
    list.add(second);
    list.add(memory);
    list.add(std::shared_ptr<Callback>()); // ignored
    QCOMPARE(list.size(), std::size_t(3));
    list.on_step_end(7, { { "loss", 0.5 } });
    list.on_error(std::runtime_error("oom"), { { "step", 7 } });
    list.on_epoch_begin(1, { { "lr", 0.1 } });
    const std::vector<std::string> expected { "a:step_end:7:loss", "b:step_end:7:loss",
        "a:error:oom", "b:error:oom" };
    QCOMPARE(journal, expected);
    QCOMPARE(memory->size(), std::size_t(3));
    QCOMPARE(memory->records().at(2)["context"]["lr"].get<double>(), 0.1);
}

void TestCallbackList::throwingCallbackDoesNotStarveOthers()
{
    std::vector<std::string> journal;
    CallbackList list { std::make_shared<Thrower>(), std::make_shared<Recorder>("after", journal) };
    QVERIFY_THROWS_EXCEPTION(std::logic_error, list.on_step_end(1));
    QCOMPARE(journal, std::vector<std::string> { "after:step_end:1" });
}

QTEST_GUILESS_MAIN(TestCallbackList)
#include "tst_callback_list.moc"
