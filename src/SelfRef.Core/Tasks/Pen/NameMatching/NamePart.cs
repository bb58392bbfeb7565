namespace SelfRef.Core.Tasks.Pen.NameMatching;

/// <summary>Which part of the participant's own name the written word was recognised as.</summary>
public enum NamePart
{
    None,
    FirstName,
    Surname,

    /// <summary>First name and surname in either order ("Anna Müller", "Müller, Anna"), also with one of them abbreviated ("A. Müller", "Anna M.").</summary>
    FullName,

    /// <summary>Initials of first name and surname, in that order ("AM", "A.M.", "A. M.").</summary>
    Initials,

    /// <summary>One part of a double first name: "Lena" for "Anna-Lena".</summary>
    FirstNamePart,

    /// <summary>One part of a double or prefixed surname: "Leyen" for "von der Leyen", "Márquez" for "García Márquez".</summary>
    SurnamePart,
}
