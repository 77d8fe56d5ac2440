namespace ChaosDescent;

/// <summary>
/// A mistake in what the user asked for (unknown name, η ≤ 0, malformed expression, unreadable file, a run that
/// diverged where a result was wanted). The CLI prints <see cref="Exception.Message"/> as one line on stderr and
/// exits with code 2. Library code throws it for anything a user can fix; anything else is a bug (exit 1).
/// </summary>
public class UserInputException : Exception
{
    public UserInputException(string message) : base(message) { }
    public UserInputException(string message, Exception inner) : base(message, inner) { }
}
