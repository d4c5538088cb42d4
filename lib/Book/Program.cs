namespace MachinePerception.Book;

/// <summary>The book's command-line tool: run, check, render, export, quiz, cards, errata.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: book <run|check|render|export|quiz|cards|errata> ...");
        return args.Length == 0 ? 2 : 2;
    }
}
