using System.Diagnostics;
using System.Text.Json.Nodes;
using static MachinePerception.Book.Tests.BookTool;

namespace MachinePerception.Book.Tests;

/// <summary>Runs the state fixture once (twice for the re-run check) and shares the results among the tests.</summary>
public sealed class StateRun
{
    public string Path { get; }
    public Result First { get; }
    public byte[] FirstBytes { get; }
    public Result Second { get; }
    public byte[] SecondBytes { get; }
    public JsonObject Notebook { get; }

    public StateRun()
    {
        Path = Copy("state.ipynb");
        First = Run("run", Path, "--smoke");
        FirstBytes = File.ReadAllBytes(Path);
        Second = Run("run", Path, "--smoke");
        SecondBytes = File.ReadAllBytes(Path);
        Notebook = Load(Path);
    }
}

/// <summary>Notebook executions run one at a time: each is a child process, and the machine has two cores.</summary>
[CollectionDefinition("runner", DisableParallelization = true)]
public sealed class RunnerCollection;

[Collection("runner")]
public sealed class RunnerTests(StateRun state) : IClassFixture<StateRun>
{
    [Fact]
    public void State_carries_across_cells_and_the_last_value_is_displayed()
    {
        Assert.True(state.First.Code == 0, state.First.StdErr);
        Assert.Equal("x is 41\n", Joined(Outputs(state.Notebook, 2)[0]!["text"]));
        var value = Outputs(state.Notebook, 3).Single()!.AsObject();
        Assert.Equal("display_data", value["output_type"]!.GetValue<string>());
        Assert.Equal("42", Joined(value["data"]!["text/plain"]));
    }

    [Fact]
    public void Streams_and_displays_keep_their_order()
    {
        var outputs = Outputs(state.Notebook, 4).Select(o => o!.AsObject()).ToList();
        Assert.Equal(["stream", "display_data", "stream", "display_data", "stream"], outputs.Select(o => o["output_type"]!.GetValue<string>()));
        Assert.Equal("before ", Joined(outputs[0]["text"]));
        Assert.Equal("<b>bold</b>", Joined(outputs[1]["data"]!["text/html"]));
        Assert.Null(outputs[1]["data"]!["text/plain"]);
        Assert.Equal("stderr", outputs[2]["name"]!.GetValue<string>());
        Assert.Equal("{ Name = pair, Value = 2.5 }", Joined(outputs[3]["data"]!["text/plain"]));
        Assert.Equal("after\n", Joined(outputs[4]["text"]));
    }

    [Fact]
    public void Display_updates_keep_only_the_final_state_and_progress_holds_no_timing()
    {
        var outputs = Outputs(state.Notebook, 5).Select(o => o!.AsObject()).ToList();
        Assert.Equal(3, outputs.Count);
        Assert.Equal("second", Joined(outputs[0]["data"]!["text/plain"]));
        Assert.Equal("toy: epoch 3/3, loss 0.333333", Joined(outputs[1]["data"]!["text/plain"]));
        Assert.DoesNotContain("ETA", Joined(outputs[1]["data"]!["text/html"]));
        Assert.StartsWith("iVBORw0KGgo", outputs[2]["data"]!["image/png"]!.GetValue<string>()); // the PNG signature in base64
        // The terminal got the progress bar; the notebook did not.
        Assert.Contains("[########################] toy: epoch 3/3", state.First.StdErr);
    }

    [Fact]
    public void Records_in_a_sequence_become_a_table_and_the_cell_runs_in_the_notebook_folder()
    {
        var html = Joined(Outputs(state.Notebook, 6).Single()!["data"]!["text/html"]);
        Assert.Contains("<th>X</th><th>Y</th>", html);
        Assert.Contains("<td>3</td><td>4</td>", html);
        Assert.Equal("True", Joined(Outputs(state.Notebook, 7).Single()!["data"]!["text/plain"]));
        Assert.Equal("smoke", Joined(Outputs(state.Notebook, 8).Single()!["data"]!["text/plain"]));
    }

    [Fact]
    public void Random_guids_and_absolute_paths_in_outputs_are_made_deterministic()
    {
        var outputs = Outputs(state.Notebook, 9);
        Assert.Equal("<div id=\"00000000-0000-4000-8000-000000000001\"></div>", Joined(outputs[0]!["data"]!["text/html"]));
        Assert.Equal("state.ipynb\n", Joined(outputs[1]!["text"]));
    }

    [Fact]
    public void Rerunning_an_unchanged_chapter_gives_a_byte_identical_file()
    {
        Assert.True(state.Second.Code == 0, state.Second.StdErr);
        Assert.Equal(state.FirstBytes, state.SecondBytes);
    }

    [Fact]
    public void The_file_has_the_polyglot_metadata_and_deterministic_cell_ids()
    {
        Assert.True(JsonNode.DeepEquals(Notebooks.NotebookDocument.PolyglotMetadata(), state.Notebook["metadata"]));
        var ids = state.Notebook["cells"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(Enumerable.Range(0, ids.Count).Select(i => Notebooks.NotebookDocument.CellId("state", i)), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 9), state.Notebook["cells"]!.AsArray().Select(c => c!["execution_count"]!.GetValue<int>()));
        Assert.DoesNotContain(Root, File.ReadAllText(state.Path));
    }

    [Fact]
    public void A_throwing_cell_becomes_an_error_output_and_stops_the_run()
    {
        var path = Copy("errors.ipynb");
        var before = File.ReadAllBytes(path);
        var result = Run("run", path);
        Assert.Equal(1, result.Code);
        Assert.Contains("FAILED at cell 3: InvalidOperationException: deliberate failure", result.StdErr);
        // A failed run loses nothing: the notebook is as it was, the run is written beside it.
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Contains($"errors.ipynb is unchanged; this run's outputs are in {Failed(path)}", result.StdErr);
        var notebook = Load(Failed(path));
        var outputs = Outputs(notebook, 3);
        Assert.Equal("printed before the throw\n", Joined(outputs[0]!["text"]));
        var error = outputs[1]!.AsObject();
        Assert.Equal("error", error["output_type"]!.GetValue<string>());
        Assert.Equal("InvalidOperationException", error["ename"]!.GetValue<string>());
        var trace = error["traceback"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
        Assert.Equal("Cell 3: InvalidOperationException: deliberate failure", trace[0]);
        Assert.Contains(trace, t => t.Contains("Fail(Int32 n) (cell line 1)"));
        Assert.DoesNotContain(trace, t => t.Contains("Microsoft.CodeAnalysis"));
        Assert.Null(Cell(notebook, 4)["execution_count"]);
        Assert.Empty(Outputs(notebook, 4));
    }

    [Fact]
    public void A_compile_error_names_the_position_and_the_diagnostic()
    {
        var path = Copy("compile-error.ipynb");
        Assert.Equal(1, Run("run", path).Code);
        var error = Outputs(Load(Failed(path)), 1).Single()!.AsObject();
        Assert.Equal("CompilationError", error["ename"]!.GetValue<string>());
        Assert.Contains("(1,9): error CS0103: The name 'undefinedName' does not exist", error["evalue"]!.GetValue<string>());
    }

    [Fact]
    public void A_value_that_cannot_be_formatted_is_the_cells_error_and_the_file_is_still_written()
    {
        var path = Copy("bad-value.ipynb");
        Assert.Equal(1, Run("run", path).Code);
        var error = Outputs(Load(Failed(path)), 1).Single()!;
        Assert.Equal("InvalidOperationException", error["ename"]!.GetValue<string>());
        Assert.Equal("cannot print", error["evalue"]!.GetValue<string>());
    }

    [Fact]
    public void A_cell_tagged_raises_exception_may_fail_and_the_run_goes_on()
    {
        var path = Copy("raises.ipynb");
        var result = Run("run", path);
        Assert.True(result.Code == 0, result.StdErr);
        var notebook = Load(path);
        Assert.Equal("CheckFailedException", Outputs(notebook, 2)[1]!["ename"]!.GetValue<string>());
        Assert.Equal("42", Joined(Outputs(notebook, 3).Single()!["data"]!["text/plain"]));   // `before` survived the throw
    }

    [Fact]
    public void A_hanging_cell_reports_that_it_is_still_running_then_times_out_with_its_cell_number_and_the_run_is_written()
    {
        var path = Copy("timeout.ipynb");
        var clock = Stopwatch.StartNew();
        // Long enough for the first cell, which pays for warming up the compiler (seconds on a busy machine), and for
        // the heartbeat line that a log (standard error redirected) gets every 30 s.
        var result = Run(TimeSpan.FromMinutes(2), "run", path, "--timeout", "31");
        Assert.Equal(1, result.Code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(70), $"took {clock.Elapsed}");
        Assert.Contains("cell 2/3 still running after 30 s", result.StdErr);
        Assert.Contains("FAILED at cell 2: CellTimeout", result.StdErr);
        var notebook = Load(Failed(path));
        var error = Outputs(notebook, 2).Single()!;
        Assert.Equal("the cell did not finish within 31 s", error["evalue"]!.GetValue<string>());
        Assert.Null(Cell(notebook, 3)["execution_count"]);
    }

    static string Failed(string notebook) => Path.Combine(Path.GetDirectoryName(notebook)!, "failed", Path.GetFileName(notebook));

    [Fact]
    public void A_run_killed_midway_leaves_the_notebook_as_it_was()
    {
        var path = Copy("timeout.ipynb");
        var before = File.ReadAllBytes(path);
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in new[] { Dll, "run", path, "--timeout", "120" }) start.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(start)!;
        // Wait until the hanging cell has started, then kill the run as a crash would.
        var line = "";
        while (line is not null && !line.Contains("cell 1/3")) line = p.StandardError.ReadLine();
        Thread.Sleep(300);
        p.Kill(entireProcessTree: true);
        p.WaitForExit();
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));   // no temporary file left behind
    }

    [Fact]
    public void Several_chapters_run_one_process_each_and_a_failure_is_reported_at_the_end()
    {
        var failing = Copy("compile-error.ipynb");
        var passing = Copy("raises.ipynb");
        var r = Run("run", failing, passing);
        Assert.Equal(1, r.Code);
        Assert.Contains("book run: 2 chapters in", r.StdErr);
        Assert.EndsWith("failed: compile-error", r.StdErr.TrimEnd());
        Assert.Equal(3, Load(passing)["cells"]!.AsArray().Count(c => c!["execution_count"] is not null));   // ran after the failure
    }

    [Fact]
    public void Unknown_chapters_and_options_are_refused()
    {
        var r = Run("run", "no-such-chapter");
        Assert.Equal(2, r.Code);
        Assert.Contains("no chapter 'no-such-chapter'", r.StdErr);
        Assert.Equal(2, Run("run", "--fast").Code);
    }
}
