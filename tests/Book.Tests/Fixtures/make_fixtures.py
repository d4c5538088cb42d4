# Writes the fixture notebooks of Book.Tests with Python's json module (indent=1, sort_keys, ensure_ascii=False),
# an independent writer that NotebookJsonTests compares the book's own JSON writer against. Run: python3 make_fixtures.py
import os
os.chdir(os.path.dirname(os.path.abspath(__file__)))
import json, sys
META = {"kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"},
        "language_info": {"name": "polyglot-notebook", "pygments_lexer": "csharp"},
        "polyglot_notebook": {"kernelInfo": {"defaultKernelName": "csharp", "items": [{"aliases": [], "name": "csharp"}]}}}
def lines(s):
    out=[]; start=0
    for i,c in enumerate(s):
        if c=="\n": out.append(s[start:i+1]); start=i+1
    if start<len(s): out.append(s[start:])
    return out
def nb(path, cells):
    cs=[]
    for i,(kind,src,*tags) in enumerate(cells):
        if kind=="md":
            cs.append({"cell_type":"markdown","id":"x%d"%i,"metadata":{},"source":lines(src)})
        else:
            md={"dotnet_interactive":{"language":"csharp"},"polyglot_notebook":{"kernelName":"csharp"},"vscode":{"languageId":"polyglot-notebook"}}
            if tags: md["tags"]=tags[0]
            cs.append({"cell_type":"code","execution_count":None,"id":"x%d"%i,"metadata":md,"outputs":[],"source":lines(src)})
    with open(path,"w") as f:
        json.dump({"cells":cs,"metadata":META,"nbformat":4,"nbformat_minor":5},f,indent=1,sort_keys=True,ensure_ascii=False)
        f.write("\n")
FIRST='''#r "../../../lib/MachinePerception/bin/Release/net10.0/MachinePerception.dll"
using MachinePerception.Tensors;
using MachinePerception.Checks;
using MachinePerception.Display;'''
nb("demo.ipynb",[
 ("md","# Demo chapter\n\nThe first cell loads the library exactly as every chapter does; in Polyglot Notebooks build it first with\n`dotnet build -c Release lib/MachinePerception`."),
 ("code",FIRST),
 ("md","## A tensor\n\nA cell's last expression (no trailing `;`) is displayed."),
 ("code","var a = Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3);\na"),
 ("md","## A numeric check\n\nThe sum of $1, \\dots, 6$ is $6 \\cdot 7 / 2 = 21$."),
 ("code",'Check.Close("sum of the entries = n(n+1)/2", a.ToDoubleArray().Sum(), 6 * 7 / 2.0, 1e-12);'),
])
nb("state.ipynb",[
 ("code",FIRST),
 ("code","var x = 41;\nConsole.WriteLine(\"x is \" + x);"),
 ("code","x + 1"),
 ("code","Console.Write(\"before \");\ndisplay(HTML(\"<b>bold</b>\"));\nConsole.Error.WriteLine(\"to stderr\");\nnew { Name = \"pair\", Value = 2.5 }.Display();\nConsole.WriteLine(\"after\");"),
 ("code","var handle = display(\"first\");\nhandle.Update(\"second\");\nusing (var progress = new TrainingProgress(3, \"toy\"))\n    for (int e = 1; e <= 3; e++) progress.Report(e, 1.0 / e);\nPngImage.FromTensor(Tensor.FromArray(new double[] { 0, 0.5, 1, 0.25 }, 2, 2), scale: 2)"),
 ("code","record Point(double X, double Y);\nnew[] { new Point(1, 2), new Point(3, 4) }"),
 ("code","System.IO.Directory.GetCurrentDirectory() == System.IO.Path.GetFullPath(\".\") && System.IO.File.Exists(\"state.ipynb\")"),
 ("code","Notebook.Smoke ? \"smoke\" : \"full\""),
 ("code","display(HTML($\"<div id=\\\"{Guid.NewGuid()}\\\"></div>\"));\nConsole.WriteLine(System.IO.Path.GetFullPath(\"state.ipynb\"));"),
])
nb("errors.ipynb",[
 ("code",FIRST),
 ("code","Console.WriteLine(\"ok\");"),
 ("code","int Fail(int n) => n == 0 ? throw new InvalidOperationException(\"deliberate failure\") : Fail(n - 1);\nConsole.WriteLine(\"printed before the throw\");\nFail(2);"),
 ("code","Console.WriteLine(\"never runs\");"),
])
nb("raises.ipynb",[
 ("code",FIRST),
 ("code","var before = 7;\nCheck.Close(\"a wrong identity\", 1.0, 2.0, 1e-9);",["raises-exception"]),
 ("code","before * 6"),
])
nb("timeout.ipynb",[
 ("code","var n = 1;"),
 ("code","while (n > 0) { n = (n * 3) % 1000003 + 1; }"),
 ("code","Console.WriteLine(\"never runs\");"),
])
nb("compile-error.ipynb",[
 ("code","var y = undefinedName + 1;"),
])
nb("bad-value.ipynb",[
 ("code","class Unprintable { public override string ToString() => throw new InvalidOperationException(\"cannot print\"); }\nnew Unprintable()"),
])
